package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pools counted in a real region file: once, on the tenant and the process's slot, and never twice after exit. */
class RegionAccountTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void a_pool_is_counted_once_on_the_tenant_and_the_slot() throws Exception {
        try (Region region = Region.openOrCreate(dir.resolve("r.region"))) {
            int tenant = region.findOrCreateTenant("serving", new long[] {0, 16 * MIB}, false);
            int slot = region.claimSlot(tenant, ProcessHandle.current().pid(), 0, 0, "test");
            RegionAccount account = new RegionAccount(region, tenant, slot);
            assertThat(account.headroom(0)).isEqualTo(Long.MAX_VALUE);
            assertThat(account.headroom(1)).isEqualTo(16 * MIB);

            BlockPool pool = BlockPool.create(new FakeMemory(true, 2 * MIB), account, 1, MIB, 64, 4);
            assertThat(region.used(tenant, 1)).isEqualTo(4 * MIB);
            assertThat(region.slotUsed(slot, 1)).isEqualTo(4 * MIB);
            int n = 0;
            while (pool.allocate() != 0) {
                n++;
            }
            assertThat(n).isEqualTo(16);
            assertThat(region.used(tenant, 1)).isEqualTo(16 * MIB);
            assertThat(account.headroom(1)).isZero();

            // a limit raised at run time is seen by the next growth
            region.setLimit(tenant, 1, 20 * MIB);
            assertThat(pool.allocate()).isNotZero();
            assertThat(region.used(tenant, 1)).isEqualTo(20 * MIB);

            // exit: the slot is released with everything on it; a late destroy must not subtract again
            account.detach();
            region.releaseSlot(slot);
            assertThat(region.used(tenant, 1)).isZero();
            assertThat(pool.destroy()).isEqualTo(CUDA_SUCCESS);
            assertThat(region.used(tenant, 1)).isZero();
            assertThat(account.tryReserve(1, MIB)).isFalse();
        }
    }
}
