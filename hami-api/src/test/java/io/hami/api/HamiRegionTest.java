package io.hami.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hami.boot.Agent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HamiRegionTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void open_never_creates_a_region_and_says_how_to_get_one() {
        Path missing = dir.resolve("none.region");
        assertThatThrownBy(() -> Hami.open(missing)).isInstanceOf(HamiException.class)
                .hasMessageContaining("no region at " + missing).hasMessageContaining("Hami.openOrCreate(path)");
        assertThat(missing).doesNotExist();
    }

    @Test
    void limits_shares_and_priority_are_changed_in_place_and_read_back() {
        try (HamiRegion region = Hami.openOrCreate(dir.resolve("r"))) {
            region.createTenant("team-a", 64 * MIB);
            assertThat(region.tenant("team-a").orElseThrow().limit(3)).isEqualTo(64 * MIB);

            Tenant a = region.setMemoryLimit("team-a", 1, 8 * MIB);
            assertThat(a.limit(0)).isEqualTo(64 * MIB);
            assertThat(a.limit(1)).isEqualTo(8 * MIB);
            a = region.setMemoryLimit("team-a", 0);
            assertThat(a.limit(0)).isZero();
            assertThat(a.limit(1)).isZero();

            a = region.setSmShare("team-a", 2, 30);
            assertThat(a.devices()).anySatisfy(d -> {
                assertThat(d.device()).isEqualTo(2);
                assertThat(d.smShare()).isEqualTo(30);
            });
            assertThat(a.priority()).isEqualTo(Priority.NORMAL);
            assertThat(region.setPriority("team-a", Priority.HIGH).priority()).isEqualTo(Priority.HIGH);
        }
        // another opener sees what was stored
        try (HamiRegion again = Hami.open(dir.resolve("r"))) {
            assertThat(again.tenants()).extracting(Tenant::name).containsExactly("team-a");
            assertThat(again.tenant("team-a").orElseThrow().priority()).isEqualTo(Priority.HIGH);
        }
    }

    @Test
    void bad_input_is_refused_with_what_to_give_and_nothing_changes() {
        try (HamiRegion region = Hami.openOrCreate(dir.resolve("r"))) {
            region.createTenant("t", 64 * MIB);
            assertThatThrownBy(() -> region.setMemoryLimit("T", 1)).isInstanceOf(HamiException.class)
                    .hasMessageContaining("no tenant 'T'").hasMessageContaining("case-sensitive");
            assertThatThrownBy(() -> region.setSmShare("t", 101)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1-100");
            assertThatThrownBy(() -> region.setMemoryLimit("t", 16, MIB))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-15");
            assertThatThrownBy(() -> region.setMemoryLimit("t", -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("negative");
            assertThat(region.tenant("t").orElseThrow().limit(0)).isEqualTo(64 * MIB);
        }
    }

    @Test
    void members_of_a_tenant_never_pass_its_limit_together_and_give_everything_back() throws Exception {
        try (HamiRegion region = Hami.openOrCreate(dir.resolve("r"))) {
            region.createTenant("storm", 100 * MIB);
            int threads = 8;
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                members.add(region.join("storm"));
            }
            AtomicLong granted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (Member m : members) {
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 50; i++) {
                        if (m.reserve(0, 3 * MIB)) {
                            granted.addAndGet(3 * MIB);
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            start.countDown();
            for (Thread t : workers) {
                t.join();
            }
            // 33 grants of 3 MiB fit in 100 MiB, the 34th would pass it: exactly 33, whatever the interleaving
            assertThat(granted.get()).isEqualTo(33 * 3 * MIB);
            Tenant storm = region.tenant("storm").orElseThrow();
            assertThat(storm.used(0)).isEqualTo(granted.get());
            assertThat(storm.refusals()).isEqualTo(refused.get()).isEqualTo(threads * 50 - 33);
            assertThat(storm.processes()).hasSize(threads);
            assertThat(members.stream().mapToLong(m -> m.held(0)).sum()).isEqualTo(granted.get());
            members.forEach(Member::close);
            assertThat(region.tenant("storm").orElseThrow().used(0)).isZero();
        }
    }

    @Test
    void without_the_agent_the_hooks_are_absent_and_require_names_the_fix() {
        assertThat(Hami.hooks()).isEqualTo(Agent.Status.ABSENT);
        assertThatThrownBy(Hami::requireHooks).isInstanceOf(HamiException.class)
                .hasMessageContaining("LD_PRELOAD=<dist>/lib/libhami.so")
                .hasMessageContaining("-javaagent:<dist>/lib/hami-ffm.jar");
    }
}
