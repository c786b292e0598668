package io.hami.bench;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.hooks.Devices;
import io.hami.hooks.Downcalls;
import io.hami.hooks.HookContext;
import io.hami.hooks.MemoryHooks;
import io.hami.region.Region;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory hooks through real FFM upcall stubs, as the trampoline calls them: a downcall into the hook's stub, the
 * hook's downcalls into a "driver" (itself upcall stubs over Java methods, so no C is needed). Compare
 * {@code allocFreeHooked} with {@code allocFreeDriver} (the same driver called directly) for the added cost, and run
 * with {@code -prof gc} for the allocation per call (expected ~0 B/op).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *   org.openjdk.jmh.Main HookRoundTrip -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HookRoundTripBenchmark {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static long nextPointer = 0x7f0000000000L;

    private Path dir;
    private Region region;
    private MethodHandle hookedAlloc;
    private MethodHandle hookedFree;
    private MethodHandle driverAlloc;
    private MethodHandle driverFree;
    private MethodHandle emptyUpcall;
    private MemorySegment out;

    // ---- a driver made of Java methods behind upcall stubs ----
    public static int fakeAlloc(long dptr, long size) {
        NATIVE.set(ValueLayout.JAVA_LONG, dptr, nextPointer += 1 << 20);
        return 0;
    }

    public static int fakeFree(long pointer) {
        return 0;
    }

    public static int fakeCtxGetDevice(long device) {
        NATIVE.set(ValueLayout.JAVA_INT, device, 0);
        return 0;
    }

    public static int fakeAddressRange(long base, long size, long pointer) {
        NATIVE.set(ValueLayout.JAVA_LONG, base, pointer);
        NATIVE.set(ValueLayout.JAVA_LONG, size, 1 << 20);
        return 0;
    }

    public static int fakeGetInfo(long free, long total) {
        return 0;
    }

    public static int fakeTotalMem(long bytes, int device) {
        return 0;
    }

    public static int fakeUuid(long uuid, int device) {
        NATIVE.asSlice(uuid, 16).fill((byte) 7);
        return 0;
    }

    public static int empty(long ignored) {
        return 0;
    }

    private static MemorySegment stub(String method, FunctionDescriptor descriptor) throws ReflectiveOperationException {
        FunctionDescriptor raw = Downcalls.raw(descriptor);
        MethodHandle target = MethodHandles.lookup().findStatic(HookRoundTripBenchmark.class, method,
                raw.toMethodType());
        return LINKER.upcallStub(target, raw, Arena.global());
    }

    private static MemorySegment hookStub(String method, FunctionDescriptor descriptor) throws Exception {
        FunctionDescriptor raw = Downcalls.raw(descriptor);
        MethodHandle target = MethodHandles.lookup().findStatic(MemoryHooks.class, method, raw.toMethodType());
        return LINKER.upcallStub(target, raw, Arena.global());
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("hami-bench");
        region = Region.openOrCreate(dir.resolve("bench.region"));
        int tenant = region.findOrCreateTenant("bench", new long[] {1L << 50}, false);
        int slot = region.claimSlot(tenant, ProcessHandle.current().pid(), 0, 0, "jmh");
        Map<String, MemorySegment> driver = new HashMap<>();
        driver.put(CudaDriver.cuMemAlloc_v2.NAME, stub("fakeAlloc", CudaDriver.cuMemAlloc_v2.DESC));
        driver.put(CudaDriver.cuMemFree_v2.NAME, stub("fakeFree", CudaDriver.cuMemFree_v2.DESC));
        driver.put(CudaDriver.cuCtxGetDevice.NAME, stub("fakeCtxGetDevice", CudaDriver.cuCtxGetDevice.DESC));
        driver.put(CudaDriver.cuMemGetAddressRange_v2.NAME,
                stub("fakeAddressRange", CudaDriver.cuMemGetAddressRange_v2.DESC));
        driver.put(CudaDriver.cuMemGetInfo_v2.NAME, stub("fakeGetInfo", CudaDriver.cuMemGetInfo_v2.DESC));
        driver.put(CudaDriver.cuDeviceTotalMem_v2.NAME, stub("fakeTotalMem", CudaDriver.cuDeviceTotalMem_v2.DESC));
        driver.put(CudaDriver.cuDeviceGetUuid_v2.NAME, stub("fakeUuid", CudaDriver.cuDeviceGetUuid_v2.DESC));
        HookContext.set(new HookContext(driver::get, region, tenant, slot));
        Devices.set(new Devices(driver::get, region));

        hookedAlloc = LINKER.downcallHandle(hookStub("cuMemAlloc_v2", CudaDriver.cuMemAlloc_v2.DESC),
                Downcalls.raw(CudaDriver.cuMemAlloc_v2.DESC));
        hookedFree = LINKER.downcallHandle(hookStub("cuMemFree_v2", CudaDriver.cuMemFree_v2.DESC),
                Downcalls.raw(CudaDriver.cuMemFree_v2.DESC));
        driverAlloc = LINKER.downcallHandle(driver.get(CudaDriver.cuMemAlloc_v2.NAME),
                Downcalls.raw(CudaDriver.cuMemAlloc_v2.DESC));
        driverFree = LINKER.downcallHandle(driver.get(CudaDriver.cuMemFree_v2.NAME),
                Downcalls.raw(CudaDriver.cuMemFree_v2.DESC));
        FunctionDescriptor emptyDesc = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG);
        emptyUpcall = LINKER.downcallHandle(LINKER.upcallStub(MethodHandles.lookup().findStatic(
                HookRoundTripBenchmark.class, "empty", MethodType.methodType(int.class, long.class)), emptyDesc,
                Arena.global()), emptyDesc);
        out = Arena.global().allocate(8);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        region.close();
        Files.deleteIfExists(dir.resolve("bench.region"));
        Files.deleteIfExists(dir);
    }

    /** Java → stub → empty Java method → back: the floor of any hook. */
    @Benchmark
    public int emptyUpcallRoundTrip() throws Throwable {
        return (int) emptyUpcall.invokeExact(0L);
    }

    /** The fake driver's alloc + free called directly: the "native" of this setup. */
    @Benchmark
    public int allocFreeDriver() throws Throwable {
        int a = (int) driverAlloc.invokeExact(out.address(), 1L << 20);
        return a + (int) driverFree.invokeExact(out.get(ValueLayout.JAVA_LONG, 0));
    }

    /** Alloc + free through the memory hooks (reserve, driver, size correction, table, release). */
    @Benchmark
    public int allocFreeHooked() throws Throwable {
        int a = (int) hookedAlloc.invokeExact(out.address(), 1L << 20);
        return a + (int) hookedFree.invokeExact(out.get(ValueLayout.JAVA_LONG, 0));
    }
}
