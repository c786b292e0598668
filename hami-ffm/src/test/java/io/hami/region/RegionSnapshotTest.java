package io.hami.region;

import static io.hami.region.RegionLayout.SLOT_CAPACITY;
import static io.hami.region.RegionLayout.SLOT_COMMAND_OFFSET;
import static io.hami.region.RegionLayout.SLOT_PID_OFFSET;
import static io.hami.region.RegionLayout.SLOT_STATE_OFFSET;
import static io.hami.region.RegionLayout.SLOT_TENANT_OFFSET;
import static io.hami.region.RegionLayout.STATE_ACTIVE;
import static io.hami.region.RegionLayout.STATE_CLAIMED;
import static io.hami.region.RegionLayout.TENANT_STATE_OFFSET;
import static io.hami.region.RegionLayout.slotOffset;
import static io.hami.region.RegionLayout.slotUsedOffset;
import static io.hami.region.RegionLayout.tenantOffset;
import static io.hami.region.RegionLayout.tenantUsedOffset;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.TenantDevice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionSnapshotTest {
    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    /** An ACTIVE slot whose owner holds no lock: what a SIGKILLed process leaves until someone reclaims it. */
    static void forgeDeadSlot(Region region, int slot, int tenant, long pid, String command, int device, long used) {
        MemorySegment segment = region.segment();
        long base = slotOffset(slot);
        segment.set(ValueLayout.JAVA_INT, base + SLOT_TENANT_OFFSET, tenant);
        segment.set(ValueLayout.JAVA_LONG, base + SLOT_PID_OFFSET, pid);
        byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, base + SLOT_COMMAND_OFFSET, bytes.length);
        segment.set(ValueLayout.JAVA_LONG, slotUsedOffset(slot, device), used);
        segment.set(ValueLayout.JAVA_LONG, tenantUsedOffset(tenant, device),
                segment.get(ValueLayout.JAVA_LONG, tenantUsedOffset(tenant, device)) + used);
        segment.set(ValueLayout.JAVA_INT, base + SLOT_STATE_OFFSET, STATE_ACTIVE);
    }

    @Test
    void an_empty_region_has_nothing_to_show() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            RegionSnapshot snapshot = RegionSnapshot.of(region);
            assertThat(snapshot.tenants()).isEmpty();
            assertThat(snapshot.processes()).isEmpty();
            assertThat(snapshot.path()).isEqualTo(region.path());
        }
    }

    @Test
    void copies_tenants_with_only_the_devices_that_have_something_to_show() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            long[] limits = new long[RegionLayout.DEVICE_CAPACITY];
            limits[0] = 8 * GIB;
            limits[3] = 2 * GIB;
            int a = region.findOrCreateTenant("team-a", limits, false);
            int b = region.findOrCreateTenant("job-42", new long[0], true);
            region.setSmShare(a, 5, 30);
            region.setPriority(a, Region.PRIORITY_HIGH);
            region.setPriority(b, Region.PRIORITY_LOW);
            int slot = region.claimSlot(a, 4242, 1, 1, "python train.py");
            assertThat(region.tryReserve(a, slot, 0, 512 * MIB)).isTrue();
            assertThat(region.tryReserve(a, slot, 7, 3 * MIB)).isTrue(); // usage without a limit still shows

            RegionSnapshot snapshot = RegionSnapshot.of(region);

            assertThat(snapshot.tenants()).hasSize(2);
            RegionSnapshot.Tenant teamA = snapshot.tenants().stream().filter(t -> t.name().equals("team-a"))
                    .findFirst().orElseThrow();
            assertThat(teamA.ephemeral()).isFalse();
            assertThat(teamA.priority()).isEqualTo(Region.PRIORITY_HIGH);
            assertThat(teamA.liveProcesses()).isEqualTo(1);
            assertThat(teamA.createdMillis()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset
                    .offset(60_000L));
            assertThat(teamA.devices()).containsExactly(
                    new TenantDevice(0, 512 * MIB, 8 * GIB, 0),
                    new TenantDevice(3, 0, 2 * GIB, 0),
                    new TenantDevice(5, 0, 0, 30),
                    new TenantDevice(7, 3 * MIB, 0, 0));
            RegionSnapshot.Tenant job = snapshot.tenants().stream().filter(t -> t.name().equals("job-42"))
                    .findFirst().orElseThrow();
            assertThat(job.ephemeral()).isTrue();
            assertThat(job.priority()).isEqualTo(Region.PRIORITY_LOW);
            assertThat(job.devices()).isEmpty();
            assertThat(job.liveProcesses()).isZero();

            assertThat(snapshot.processes()).singleElement().satisfies(p -> {
                assertThat(p.slot()).isEqualTo(slot);
                assertThat(p.pid()).isEqualTo(4242);
                assertThat(p.command()).isEqualTo("python train.py");
                assertThat(p.tenantName()).isEqualTo("team-a");
                assertThat(p.alive()).as("this JVM holds the slot's lock").isTrue();
                assertThat(p.devices()).containsExactly(new ProcessDevice(0, 512 * MIB), new ProcessDevice(7, 3 * MIB));
                assertThat(p.heartbeatMillis()).isPositive();
            });
        }
    }

    @Test
    void a_slot_without_its_lock_shows_dead_with_its_usage_and_is_not_reclaimed() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            int t = region.findOrCreateTenant("team-a", new long[] {GIB}, false);
            forgeDeadSlot(region, SLOT_CAPACITY - 1, t, 999_999, "killed -9", 0, 300 * MIB);

            RegionSnapshot snapshot = RegionSnapshot.of(region);

            assertThat(snapshot.processes()).singleElement().satisfies(p -> {
                assertThat(p.alive()).isFalse();
                assertThat(p.pid()).isEqualTo(999_999);
                assertThat(p.used(0)).isEqualTo(300 * MIB);
            });
            assertThat(snapshot.tenants().getFirst().liveProcesses()).isZero();
            assertThat(snapshot.tenants().getFirst().used(0)).isEqualTo(300 * MIB);
            assertThat(region.slotState(SLOT_CAPACITY - 1)).as("a snapshot only reads").isEqualTo(STATE_ACTIVE);
            assertThat(region.used(t, 0)).isEqualTo(300 * MIB);
        }
    }

    @Test
    void records_being_written_or_reclaimed_are_left_out() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            int t = region.findOrCreateTenant("team-a", new long[] {GIB}, false);
            int slot = region.claimSlot(t, 1, 1, 1, "x");
            region.segment().set(ValueLayout.JAVA_INT, slotOffset(slot) + SLOT_STATE_OFFSET, STATE_CLAIMED);
            assertThat(RegionSnapshot.of(region).processes()).isEmpty();
            region.segment().set(ValueLayout.JAVA_INT, tenantOffset(t) + TENANT_STATE_OFFSET, STATE_CLAIMED);
            assertThat(RegionSnapshot.of(region).tenants()).isEmpty();
        }
    }

    @Test
    void a_slot_of_a_tenant_that_is_not_active_names_it_with_a_question_mark() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            forgeDeadSlot(region, 0, 17, 5, "orphan", 1, MIB);
            assertThat(RegionSnapshot.of(region).processes()).singleElement()
                    .satisfies(p -> assertThat(p.tenantName()).isEqualTo("?"));
        }
    }

    @Test
    void sm_shares_priorities_and_commands_round_trip_through_the_region() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            int t = region.findOrCreateTenant("a", new long[0], false);
            region.setSmShare(t, 2, 45);
            region.setPriority(t, Region.PRIORITY_LOW);
            assertThat(region.smShare(t, 2)).isEqualTo(45);
            assertThat(region.smShare(t, 1)).isZero();
            assertThat(region.priority(t)).isEqualTo(-1);
            String longCommand = "x".repeat(100);
            int slot = region.claimSlot(t, 1, 1, 1, longCommand);
            assertThat(region.slotCommand(slot)).as("cut to the field's 63 bytes").isEqualTo("x".repeat(63));
        }
    }
}
