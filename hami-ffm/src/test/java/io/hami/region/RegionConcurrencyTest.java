package io.hami.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JUnit stress harness for the region's atomic protocols (jcstress does not resolve from Maven Central here):
 * many threads race on the same records, many rounds, and the invariants are checked while they race.
 */
class RegionConcurrencyTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @RepeatedTest(100)
    void racing_creators_of_one_name_end_in_one_record() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int threads = 8;
            CyclicBarrier start = new CyclicBarrier(threads);
            Set<Integer> indices = ConcurrentHashMap.newKeySet();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        indices.add(region.findOrCreateTenant("shared", new long[] {MIB}, false));
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(indices).hasSize(1);
            int active = 0;
            for (int t = 0; t < RegionLayout.TENANT_CAPACITY; t++) {
                if (region.tenantState(t) == RegionLayout.STATE_ACTIVE && region.tenantName(t).equals("shared")) {
                    active++;
                }
            }
            assertThat(active).isEqualTo(1);
        }
    }

    /** Two jobs starting at once on a new path: the one that finds the file empty waits for its creator. */
    @RepeatedTest(20)
    void racing_openers_of_a_new_file_all_get_the_region(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
        Path path = dir.resolve("new-" + info.getCurrentRepetition());
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    try (Region region = Region.openOrCreate(path)) {
                        region.findOrCreateTenant("shared", new long[] {MIB}, false);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void reservations_and_releases_of_random_sizes_never_exceed_the_limit_while_they_race() throws Exception {
        long limit = 256 * MIB;
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int tenant = region.findOrCreateTenant("race", new long[] {limit}, false);
            int slot = region.claimSlot(tenant, 1, 1, 1, "test");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong worst = new AtomicLong();
            Thread checker = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    worst.accumulateAndGet(region.used(tenant, 0), Math::max);
                }
            });
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long[] held = new long[16];
                    for (int round = 0; round < 200_000; round++) {
                        int k = random.nextInt(held.length);
                        if (held[k] != 0) {
                            region.release(tenant, slot, 0, held[k]);
                            held[k] = 0;
                        } else {
                            long size = 1 + random.nextLong(8 * MIB);
                            if (region.tryReserve(tenant, slot, 0, size)) {
                                held[k] = size;
                            }
                        }
                    }
                    for (long h : held) {
                        if (h != 0) {
                            region.release(tenant, slot, 0, h);
                        }
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            stop.set(true);
            checker.join();
            assertThat(worst.get()).isPositive().isLessThanOrEqualTo(limit);
            assertThat(region.used(tenant, 0)).isZero();
            assertThat(region.slotUsed(slot, 0)).isZero();
        }
    }

    @RepeatedTest(10)
    void reclaiming_an_idle_tenant_never_strands_a_joiner() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int tenant = region.findOrCreateTenant("job-x", new long[] {MIB}, true);
            // its launch is gone: our pid with another start time
            region.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG,
                    RegionLayout.tenantOffset(tenant) + RegionLayout.TENANT_OWNER_START_TIME_OFFSET, 1L);
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reclaimer = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    region.reclaimIdleTenants();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            // the joiner's protocol (Agent): find, claim a slot, verify the tenant is still it, else join again
            start.await();
            int joined = region.findTenant("job-x");
            int slot = joined < 0 ? -1 : region.claimSlot(joined, 1, 1, 1, "joiner");
            boolean kept = joined >= 0 && region.isTenant(joined, "job-x");
            reclaimer.join();
            assertThat(failure.get()).isNull();
            if (kept) {
                // the joiner's slot made the reclaimer back off: the tenant must still be there
                assertThat(region.findTenant("job-x")).isEqualTo(joined);
            } else if (slot >= 0) {
                region.releaseSlot(slot);
            }
        }
    }
}
