package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The graph-memory protocol the graph launch hooks drive, over a region file and a driver of two Java functions
 * (the current device, and the graph pool's reserved size, which each test step sets as a launch would leave it).
 */
class GraphMemoryTest {
    private static final long MIB = 1 << 20;
    private static final long LIMIT = 100 * MIB;
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final Arena ARENA = Arena.ofShared();

    /** CU_GRAPH_MEM_ATTR_RESERVED_MEM_CURRENT as the fake driver reports it. */
    static volatile long pool;
    static volatile int attributeAsked = -1;

    private static Path dir;
    private static Region region;
    private static int tenant;
    private static int slot;

    static int ctxGetDevice(long device) {
        NATIVE.set(ValueLayout.JAVA_INT, device, 0);
        return CUDA_SUCCESS;
    }

    static int deviceUuid(long uuid, int device) {
        NATIVE.asSlice(uuid, 16).fill((byte) (device + 1));
        return CUDA_SUCCESS;
    }

    static int graphMemAttribute(int device, int attribute, long value) {
        attributeAsked = attribute;
        NATIVE.set(ValueLayout.JAVA_LONG, value, pool);
        return CUDA_SUCCESS;
    }

    @BeforeAll
    static void driver() throws Exception {
        dir = Files.createTempDirectory("graph-memory");
        region = Region.openOrCreate(dir.resolve("r.region"));
        tenant = region.findOrCreateTenant("graphs", new long[] {LIMIT}, false);
        slot = region.claimSlot(tenant, ProcessHandle.current().pid(), 0, 0, "test");
        MemorySegment ctx = stub("ctxGetDevice", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MemorySegment attr = stub("graphMemAttribute", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MemorySegment uuid = stub("deviceUuid", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT));
        java.util.function.Function<String, MemorySegment> driver = name -> switch (name) {
            case "cuCtxGetDevice" -> ctx;
            case "cuDeviceGetGraphMemAttribute" -> attr;
            case "cuDeviceGetUuid_v2" -> uuid;
            default -> MemorySegment.NULL;
        };
        HookContext.set(new HookContext(driver, region, tenant, slot));
        Devices.set(new Devices(driver, region));
    }

    private static MemorySegment stub(String method, FunctionDescriptor descriptor) throws Exception {
        var handle = MethodHandles.lookup().findStatic(GraphMemoryTest.class, method, descriptor.toMethodType());
        return Linker.nativeLinker().upcallStub(handle, descriptor, ARENA);
    }

    @AfterAll
    static void close() {
        region.close();
    }

    /** One launch of {@code exec} that leaves the graph pool at {@code poolAfter}; the result of beforeLaunch. */
    private static int launch(long exec, long poolAfter) {
        int before = GraphMemory.beforeLaunch(exec, 0);
        if (before == CUDA_SUCCESS) {
            pool = poolAfter;
            GraphMemory.afterLaunch(exec, 0, CUDA_SUCCESS);
        }
        return before;
    }

    @Test
    void the_pool_is_charged_reserved_again_after_a_trim_refused_when_it_cannot_fit_and_never_leaked() {
        long exec = 0x1000, other = 0x2000;
        // a first launch cannot be foreseen: the pool it grew is charged after
        assertThat(launch(exec, 40 * MIB)).isEqualTo(CUDA_SUCCESS);
        assertThat(attributeAsked).isEqualTo(2);
        assertThat(region.used(tenant, 0)).isEqualTo(40 * MIB);
        assertThat(GraphMemory.charged(0)).isEqualTo(40 * MIB);

        // a launch that reuses the pool charges nothing more
        assertThat(launch(exec, 40 * MIB)).isEqualTo(CUDA_SUCCESS);
        assertThat(region.used(tenant, 0)).isEqualTo(40 * MIB);

        // after a trim the next launch reserves what the exec needed, before it runs
        pool = 0;
        assertThat(GraphMemory.beforeLaunch(exec, 0)).isEqualTo(CUDA_SUCCESS);
        assertThat(region.used(tenant, 0)).as("trim seen, need reserved").isEqualTo(40 * MIB);
        pool = 40 * MIB;
        GraphMemory.afterLaunch(exec, 0, CUDA_SUCCESS);
        assertThat(region.used(tenant, 0)).as("pre-reservation replaced by the charge").isEqualTo(40 * MIB);

        // trimmed, seen by a launch of another exec; then other memory takes the room: a regrowth that cannot fit
        // is refused before the launch
        pool = 0;
        assertThat(launch(other, 0)).isEqualTo(CUDA_SUCCESS);
        assertThat(region.used(tenant, 0)).isZero();
        assertThat(region.tryReserve(tenant, slot, 0, 65 * MIB)).isTrue();
        assertThat(launch(exec, 40 * MIB)).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(region.used(tenant, 0)).isEqualTo(65 * MIB);

        // an unforeseen growth past the limit stays charged, so the next allocation is refused
        assertThat(launch(0x3000, 50 * MIB)).isEqualTo(CUDA_SUCCESS);
        assertThat(region.used(tenant, 0)).isEqualTo(115 * MIB);
        assertThat(region.tryReserve(tenant, slot, 0, 1)).isFalse();

        // trimmed and freed: every byte comes back
        pool = 0;
        assertThat(launch(other, 0)).isEqualTo(CUDA_SUCCESS);
        region.release(tenant, slot, 0, 65 * MIB);
        assertThat(region.used(tenant, 0)).isZero();
        assertThat(region.slotUsed(slot, 0)).isZero();
    }
}
