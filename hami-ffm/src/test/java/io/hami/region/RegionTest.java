package io.hami.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void creates_a_complete_world_shared_file_and_reopens_it() throws Exception {
        Path path = dir.resolve("r.region");
        try (Region region = Region.openOrCreate(path)) {
            assertThat(region.segment().get(ValueLayout.JAVA_INT, RegionLayout.MAJOR_VERSION_OFFSET))
                    .isEqualTo(RegionLayout.MAJOR_VERSION);
        }
        assertThat(Files.size(path)).isEqualTo(RegionLayout.FILE_LENGTH);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-rw-rw-");
        try (Region again = Region.open(path)) {
            assertThat(again.segment().byteSize()).isEqualTo(RegionLayout.FILE_LENGTH);
        }
    }

    @Test
    void one_process_at_a_time_measures_a_context_and_a_dead_claim_expires() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            assertThat(region.claimContextMeasurement(3, 1_000, 5_000)).isTrue();
            assertThat(region.claimContextMeasurement(3, 2_000, 6_000)).as("held until 5000").isFalse();
            assertThat(region.claimContextMeasurement(4, 2_000, 6_000)).as("another device").isTrue();
            assertThat(region.claimContextMeasurement(3, 5_001, 9_000)).as("expired: its holder died").isTrue();
            region.releaseContextMeasurement(3, 5_000); // the first holder, late: not its claim any more
            assertThat(region.claimContextMeasurement(3, 6_000, 9_500)).isFalse();
            region.releaseContextMeasurement(3, 9_000);
            assertThat(region.claimContextMeasurement(3, 6_000, 9_500)).isTrue();
        }
    }

    @Test
    void refuses_a_foreign_file_naming_it_and_the_fix() throws Exception {
        Path path = dir.resolve("foreign");
        Files.write(path, new byte[4096]);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("NOTOURS!".getBytes()), 0);
        }
        assertThatThrownBy(() -> Region.open(path)).isInstanceOf(RegionException.class)
                .hasMessageContaining("not a hami-ffm region").hasMessageContaining(path.toString())
                .hasMessageContaining("--region");
    }

    @Test
    void refuses_another_major_version_and_a_truncated_file() throws Exception {
        Path newer = dir.resolve("newer");
        try (Region region = Region.openOrCreate(newer)) {
            region.segment().set(ValueLayout.JAVA_INT, RegionLayout.MAJOR_VERSION_OFFSET, RegionLayout.MAJOR_VERSION + 1);
        }
        assertThatThrownBy(() -> Region.open(newer)).isInstanceOf(RegionException.class)
                .hasMessageContaining("layout " + (RegionLayout.MAJOR_VERSION + 1) + "." + RegionLayout.MINOR_VERSION).hasMessageContaining("newer");
        Path older = dir.resolve("older");
        try (Region region = Region.openOrCreate(older)) {
            region.segment().set(ValueLayout.JAVA_INT, RegionLayout.MAJOR_VERSION_OFFSET, 1);
        }
        assertThatThrownBy(() -> Region.open(older)).isInstanceOf(RegionException.class)
                .hasMessageContaining("layout 1." + RegionLayout.MINOR_VERSION).hasMessageContaining("older").hasMessageContaining("remove it");

        Path truncated = dir.resolve("truncated");
        Region.openOrCreate(truncated).close();
        try (FileChannel ch = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
            ch.truncate(RegionLayout.FILE_LENGTH / 2);
        }
        assertThatThrownBy(() -> Region.open(truncated)).isInstanceOf(RegionException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void counts_refusals_per_tenant_and_a_new_tenant_starts_from_zero() throws Exception {
        Path path = dir.resolve("refusals");
        try (Region region = Region.openOrCreate(path)) {
            int t = region.findOrCreateTenant("a", new long[] {1}, false);
            region.countRefusal(t);
            region.countRefusal(t);
            assertThat(region.refusals(t)).isEqualTo(2);
            assertThat(region.refusals(region.findOrCreateTenant("b", new long[] {1}, false))).isZero();
        }
    }

    @Test
    void reads_a_newer_minor_version() throws Exception {
        Path path = dir.resolve("minor");
        try (Region region = Region.openOrCreate(path)) {
            region.segment().set(ValueLayout.JAVA_INT, RegionLayout.MINOR_VERSION_OFFSET, 7);
        }
        Region.open(path).close();
    }

    @Test
    void refuses_an_incomplete_file_whose_creator_died() throws Exception {
        Path path = dir.resolve("incomplete");
        Files.write(path, new byte[RegionLayout.FILE_LENGTH]);
        assertThatThrownBy(() -> Region.open(path)).isInstanceOf(RegionException.class)
                .hasMessageContaining("never completed");
    }

    @Test
    void tenants_are_found_by_name_and_the_region_refuses_the_65th() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int a = region.findOrCreateTenant("alpha", new long[] {4 * MIB}, false);
            assertThat(region.findOrCreateTenant("alpha", new long[] {9 * MIB}, false)).isEqualTo(a);
            assertThat(region.limit(a, 0)).isEqualTo(4 * MIB);
            assertThat(region.tenantName(a)).isEqualTo("alpha");
            for (int i = 1; i < RegionLayout.TENANT_CAPACITY; i++) {
                region.findOrCreateTenant("t" + i, new long[0], true);
            }
            assertThatThrownBy(() -> region.findOrCreateTenant("one-too-many", new long[0], false))
                    .isInstanceOf(RegionException.class).hasMessageContaining("full");
            assertThatThrownBy(() -> region.findOrCreateTenant("bad name!", new long[0], false))
                    .isInstanceOf(RegionException.class).hasMessageContaining("invalid");
        }
    }

    @Test
    void imported_and_host_resident_bytes_are_shown_per_slot_charged_nowhere_and_start_at_zero() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int t = region.findOrCreateTenant("t", new long[] {4 * MIB}, false);
            int slot = region.claimSlot(t, 1, 1, 1, "test");
            region.addSlotImported(slot, 3 * MIB);
            region.addSlotHostResident(slot, 5 * MIB);
            assertThat(region.slotImported(slot)).isEqualTo(3 * MIB);
            assertThat(region.slotHostResident(slot)).isEqualTo(5 * MIB);
            assertThat(region.used(t, 0)).isZero();
            assertThat(region.tryReserve(t, slot, 0, 4 * MIB)).isTrue();
            region.release(t, slot, 0, 4 * MIB);
            region.releaseSlot(slot);
            int again = region.claimSlot(t, 2, 2, 2, "next");
            assertThat(again).isEqualTo(slot);
            assertThat(region.slotImported(again)).isZero();
            assertThat(region.slotHostResident(again)).isZero();
        }
    }

    @Test
    void concurrent_reservations_never_overshoot_the_limit() throws Exception {
        long limit = 1000 * MIB;
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int t = region.findOrCreateTenant("exact", new long[] {limit}, false);
            int slot = region.claimSlot(t, 1, 1, 1, "test");
            int threads = 8;
            AtomicLong granted = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                long size = (i + 1) * 3 * MIB + 4096 * i; // sizes that do not divide the limit
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (region.tryReserve(t, slot, 0, size)) {
                        granted.addAndGet(size);
                        assertThat(region.used(t, 0)).isLessThanOrEqualTo(limit);
                    }
                }));
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            assertThat(region.used(t, 0)).isEqualTo(granted.get()).isLessThanOrEqualTo(limit);
            assertThat(limit - granted.get()).isLessThan(3 * MIB); // the smallest request no longer fits
            assertThat(region.slotUsed(slot, 0)).isEqualTo(granted.get());
            region.release(t, slot, 0, granted.get());
            assertThat(region.used(t, 0)).isZero();
        }
    }

    @Test
    void a_lowered_limit_refuses_new_reservations_until_usage_falls_below_it() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int t = region.findOrCreateTenant("shrink", new long[] {8 * MIB}, false);
            int slot = region.claimSlot(t, 1, 1, 1, "test");
            assertThat(region.tryReserve(t, slot, 0, 6 * MIB)).isTrue();
            region.setLimit(t, 0, 4 * MIB);
            assertThat(region.tryReserve(t, slot, 0, 1)).isFalse();
            region.release(t, slot, 0, 3 * MIB);
            assertThat(region.tryReserve(t, slot, 0, MIB)).isTrue();
            assertThat(region.tryReserve(t, slot, 0, 1)).isFalse();
        }
    }

    @Test
    void a_slot_without_a_living_owner_is_reclaimed_and_its_usage_returned() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int t = region.findOrCreateTenant("crash", new long[] {64 * MIB}, false);
            int mine = region.claimSlot(t, 1, 1, 1, "me");
            assertThat(region.tryReserve(t, mine, 0, 5 * MIB)).isTrue();
            // forge a slot as a process that died would leave it: ACTIVE, holding usage, with nobody's lock on it
            int dead = mine + 1;
            long base = RegionLayout.slotOffset(dead);
            region.segment().set(ValueLayout.JAVA_INT, base + RegionLayout.SLOT_TENANT_OFFSET, t);
            region.segment().set(ValueLayout.JAVA_LONG, RegionLayout.slotUsedOffset(dead, 0), 7 * MIB);
            region.segment().set(ValueLayout.JAVA_LONG, RegionLayout.tenantUsedOffset(t, 0), 12 * MIB);
            region.segment().set(ValueLayout.JAVA_INT, base + RegionLayout.SLOT_STATE_OFFSET,
                    RegionLayout.STATE_ACTIVE);

            assertThat(region.slotAlive(mine)).isTrue();
            assertThat(region.slotAlive(dead)).isFalse();
            assertThat(region.reclaimDeadSlots()).isEqualTo(1);
            assertThat(region.used(t, 0)).isEqualTo(5 * MIB);
            assertThat(region.slotState(dead)).isEqualTo(RegionLayout.STATE_FREE);
            assertThat(region.slotState(mine)).isEqualTo(RegionLayout.STATE_ACTIVE);
            assertThat(region.reclaimDeadSlots()).isZero();
        }
    }

    @Test
    void idle_ephemeral_tenants_whose_launch_is_gone_are_reclaimed_others_stay() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r"))) {
            int mine = region.findOrCreateTenant("job-live", new long[] {MIB}, true);
            int gone = region.findOrCreateTenant("job-gone", new long[] {MIB}, true);
            int held = region.findOrCreateTenant("job-held", new long[] {MIB}, true);
            int named = region.findOrCreateTenant("team", new long[] {MIB}, false);
            // "gone" and "held" were launched by a process that no longer runs: our pid, another start time
            for (int t : new int[] {gone, held}) {
                region.segment().set(ValueLayout.JAVA_LONG,
                        RegionLayout.tenantOffset(t) + RegionLayout.TENANT_OWNER_START_TIME_OFFSET, 1L);
            }
            region.claimSlot(held, 1, 1, 1, "still running");

            assertThat(region.reclaimIdleTenants()).isEqualTo(1);
            assertThat(region.findTenant("job-gone")).isEqualTo(-1);
            assertThat(region.findTenant("job-live")).isEqualTo(mine);
            assertThat(region.findTenant("job-held")).isEqualTo(held);
            assertThat(region.findTenant("team")).isEqualTo(named);
            assertThat(region.isTenant(gone, "job-gone")).isFalse();
            assertThat(region.isTenant(mine, "job-live")).isTrue();
        }
    }

    @Test
    void a_gpu_gets_one_device_record_by_uuid_whoever_claims_it() throws Exception {
        byte[] first = new byte[16];
        byte[] second = new byte[16];
        second[15] = 1;
        try (Region a = Region.openOrCreate(dir.resolve("d.region"));
                Region b = Region.open(dir.resolve("d.region"))) {
            assertThat(a.findDevice(second)).isEqualTo(-1);
            int d1 = b.claimDevice(second);
            int d0 = a.claimDevice(first);
            assertThat(d1).isZero();
            assertThat(d0).isEqualTo(1);
            assertThat(a.claimDevice(second)).as("claimed again, through another mapping").isEqualTo(d1);
            assertThat(b.findDevice(first)).isEqualTo(d0);
            assertThat(Region.uuidText(b.deviceUuid(d1))).isEqualTo("GPU-00000000-0000-0000-0000-000000000001");
            assertThat(RegionSnapshot.of(a).devices()).extracting(RegionSnapshot.Device::index).containsExactly(0, 1);
            // a claimer killed between its CAS and its publication leaves a CLAIMED record: the next claim takes it
            a.segment().set(ValueLayout.JAVA_INT, RegionLayout.deviceOffset(2) + RegionLayout.DEVICE_STATE_OFFSET,
                    RegionLayout.STATE_CLAIMED);
            byte[] third = new byte[16];
            third[15] = 3;
            assertThat(b.claimDevice(third)).isEqualTo(2);
            for (int d = 3; d < RegionLayout.DEVICE_CAPACITY; d++) {
                byte[] other = new byte[16];
                other[0] = (byte) d;
                a.claimDevice(other);
            }
            byte[] extra = new byte[16];
            extra[0] = 99;
            assertThatThrownBy(() -> a.claimDevice(extra)).isInstanceOf(RegionException.class)
                    .hasMessageContaining("already knows 16 GPUs").hasMessageContaining("--region");
        }
    }
}
