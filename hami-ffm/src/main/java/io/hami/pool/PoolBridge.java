package io.hami.pool;

import io.hami.log.Log;
import io.hami.region.Region;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Wires the pool into a CUDA process. The agent's boot calls {@link #install} once: it makes the process's
 * {@link PoolRuntime} (real driver addresses from the trampoline, accounting on the process's slot) and installs a
 * single upcall stub, {@code hami_pool_bootstrap}, of the shape the agent's exit hook has too ({@code void(void)}),
 * so the two share the generated code and the pool adds about 0.5 ms to the boot. The stubs of the ten pool entries
 * cost 10-60 ms to make, so they are made only when a process first calls a {@code hami_pool_*} function: pool.c then
 * calls the bootstrap, which installs them by name. Never throws: without the pool the rest of hami-ffm works.
 */
public final class PoolBridge {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final String BOOTSTRAP = "hami_pool_bootstrap";

    /** Export name, {@link PoolEntryPoints} method, descriptor (pointers and size_t as long). */
    private record Entry(String export, String method, FunctionDescriptor descriptor) {}

    private static final Entry[] ENTRIES = {
        new Entry("hami_pool_create", "create", FunctionDescriptor.of(INT, INT, LONG, LONG, LONG)),
        new Entry("hami_pool_alloc", "alloc", FunctionDescriptor.of(INT, LONG, LONG)),
        new Entry("hami_pool_alloc_batch", "allocBatch", FunctionDescriptor.of(INT, LONG, LONG, LONG)),
        new Entry("hami_pool_free", "free", FunctionDescriptor.of(INT, LONG, LONG)),
        new Entry("hami_pool_free_batch", "freeBatch", FunctionDescriptor.of(INT, LONG, LONG, LONG)),
        new Entry("hami_pool_reserve", "reserve", FunctionDescriptor.of(INT, LONG, LONG)),
        new Entry("hami_pool_set_pressure_callback", "setPressureCallback",
                FunctionDescriptor.of(INT, LONG, LONG, INT, LONG)),
        new Entry("hami_pool_stats", "stats", FunctionDescriptor.of(INT, LONG, LONG)),
        new Entry("hami_pool_destroy", "destroy", FunctionDescriptor.of(INT, LONG)),
        new Entry("hami_pool_exit", "exit", FunctionDescriptor.ofVoid()),
    };

    private static volatile BiConsumer<String, MemorySegment> installer;
    private static boolean installed; // guarded by PoolBridge.class

    private PoolBridge() {}

    /**
     * @param install the trampoline's {@code install(name, stub)}; throws {@link IllegalStateException} for a name
     *                it does not know (a trampoline without the pool)
     * @param realSymbol real driver addresses by name
     */
    public static void install(BiConsumer<String, MemorySegment> install, Function<String, MemorySegment> realSymbol,
                               Region region, int tenant, int slot) {
        long start = System.nanoTime();
        try {
            boolean vmm = !"0".equals(System.getenv(PoolRuntime.VMM_VARIABLE));
            PoolRuntime.use(new PoolRuntime(realSymbol, new RegionAccount(region, tenant, slot), vmm));
            installer = install;
            FunctionDescriptor descriptor = FunctionDescriptor.ofVoid();
            MemorySegment stub = Linker.nativeLinker().upcallStub(
                    MethodHandles.lookup().findStatic(PoolBridge.class, "bootstrap", descriptor.toMethodType()),
                    descriptor, Arena.global());
            install.accept(BOOTSTRAP, stub);
            if (Log.enabled(Log.DEBUG)) {
                Log.debug("block pool bootstrap installed in " + (System.nanoTime() - start) / 1000 + " us");
            }
        } catch (IllegalStateException e) {
            Log.debug("no block pool: " + e.getMessage());
        } catch (Throwable t) {
            Log.error("the block pool is unavailable: " + t);
        }
    }

    /** {@code void hami_pool_bootstrap(void)}: installs every pool entry (a failure is said once on stderr). */
    public static void bootstrap() {
        try {
            synchronized (PoolBridge.class) {
                if (!installed) {
                    long start = System.nanoTime();
                    BiConsumer<String, MemorySegment> install = installer;
                    MethodHandles.Lookup lookup = MethodHandles.lookup();
                    lookup.ensureInitialized(PoolEntryPoints.class);
                    Linker linker = Linker.nativeLinker();
                    for (Entry entry : ENTRIES) {
                        MemorySegment stub = linker.upcallStub(lookup.findStatic(PoolEntryPoints.class,
                                entry.method(), entry.descriptor().toMethodType()), entry.descriptor(), Arena.global());
                        install.accept(entry.export(), stub);
                    }
                    installed = true;
                    if (Log.enabled(Log.DEBUG)) {
                        Log.debug("block pool entries installed in " + (System.nanoTime() - start) / 1000 + " us");
                    }
                }
            }
        } catch (Throwable t) {
            Log.error("the block pool is unavailable: " + t);
        }
    }
}
