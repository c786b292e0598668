package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_NOT_INITIALIZED;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.LimitConfig;
import io.hami.region.ProcessInfo;
import io.hami.region.Region;
import io.hami.region.RegionException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.function.Function;

/**
 * Where pools get real driver functions and what they count against. Inside a CUDA process the agent makes it from
 * the trampoline's real addresses and the process's region slot ({@link PoolBridge}); a JVM application or jshell
 * without the trampoline makes one with {@link #standalone} and {@link #use}s it.
 */
public final class PoolRuntime {
    /** {@code HAMI_POOL_VMM=0} keeps pools on one cuMemAlloc per chunk even where VMM works. */
    public static final String VMM_VARIABLE = "HAMI_POOL_VMM";

    private static volatile PoolRuntime current;

    /** Opens the device memory of one new pool. */
    @FunctionalInterface
    public interface MemoryFactory {
        DeviceMemory open(int device) throws PoolException;
    }

    private final Function<String, MemorySegment> resolver;
    private final PoolAccount account;
    private final boolean vmmAllowed;
    private final MemoryFactory memories;
    private volatile PoolDriver driver;

    /** Pools on the real driver found through {@code resolver}, VMM where allowed and supported. */
    public PoolRuntime(Function<String, MemorySegment> resolver, PoolAccount account, boolean vmmAllowed) {
        this.resolver = resolver;
        this.account = account;
        this.vmmAllowed = vmmAllowed;
        this.memories = this::driverMemory;
    }

    /** Pools on memory of the caller's making (tests, benchmarks, other allocators). */
    public PoolRuntime(MemoryFactory memories, PoolAccount account) {
        this.resolver = null;
        this.account = account;
        this.vmmAllowed = false;
        this.memories = memories;
    }

    /** The runtime pools of this JVM use, or null. */
    public static PoolRuntime current() {
        return current;
    }

    public static void use(PoolRuntime runtime) {
        current = runtime;
    }

    public PoolAccount account() {
        return account;
    }

    private PoolDriver driver() {
        PoolDriver d = driver;
        if (d == null) {
            synchronized (this) {
                d = driver;
                if (d == null) {
                    d = new PoolDriver(resolver);
                    driver = d;
                }
            }
        }
        return d;
    }

    /** The device memory for a new pool on {@code device}, from this runtime's factory. */
    public DeviceMemory memory(int device) throws PoolException {
        return memories.open(device);
    }

    /**
     * The real driver's memory: retains the device's primary context, then VMM where the driver and the device
     * support it (and {@code HAMI_POOL_VMM} is not 0), else one cuMemAlloc per chunk.
     */
    private DeviceMemory driverMemory(int device) throws PoolException {
        try {
            PoolDriver d = driver();
            long[] context = new long[1];
            int retained = d.retainPrimary(device, context);
            if (retained != CUDA_SUCCESS) {
                throw new PoolException(retained, "cannot retain the primary context of device " + device + " ("
                        + retained + "; was cuInit called?)");
            }
            if (vmmAllowed && d.hasVmm()
                    && d.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, device) == 1) {
                VmmMemory vmm = VmmMemory.of(d, device, context[0]);
                if (vmm != null) {
                    return vmm;
                }
            }
            return new PlainMemory(d, device, context[0]);
        } catch (PoolException e) {
            throw e;
        } catch (Throwable t) {
            throw new PoolException(CudaDriver.CUDA_ERROR_UNKNOWN, "the pool's driver calls failed: " + t);
        }
    }

    /**
     * A runtime for a JVM that was not started by the trampoline (an application or jshell on a GPU host): the
     * driver from {@code libcuda.so.1} (after {@code cuInit}), and a slot in the region and tenant that
     * {@code env} names ({@code CUDA_DEVICE_MEMORY_SHARED_CACHE}, {@code HAMI_TENANT}, {@code CUDA_DEVICE_MEMORY_LIMIT}),
     * released when the JVM shuts down. Not for a JVM with {@code libhami.so} preloaded: there the driver's symbols
     * are the trampoline's, and its agent owns the process.
     */
    public static PoolRuntime standalone(Map<String, String> env) throws PoolException {
        if (io.hami.boot.Bridge.trampolineLoaded()) {
            throw new PoolException(CUDA_ERROR_NOT_INITIALIZED, "libhami.so is preloaded into this JVM, so the "
                    + "driver symbols it would find are the trampoline's: start the JVM with "
                    + "-javaagent:<dist>/lib/hami-ffm.jar (its agent then provides the pools), or without LD_PRELOAD");
        }
        try {
            SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            Function<String, MemorySegment> resolver = name -> cuda.find(name).orElse(MemorySegment.NULL);
            MethodHandle init = Linker.nativeLinker().downcallHandle(resolver.apply(CudaDriver.cuInit.NAME),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int initialized = (int) init.invokeExact(0);
            if (initialized != CUDA_SUCCESS) {
                throw new PoolException(initialized, "cuInit failed (" + initialized + ")");
            }
            LimitConfig config = LimitConfig.fromEnvironment(env);
            Region region = Region.openOrCreate(config.region());
            int tenant = region.findOrCreateTenant(config.tenant(), config.limits(), false);
            ProcessInfo self = ProcessInfo.current();
            int slot = region.claimSlot(tenant, self.pid(), self.startTime(), self.pidNamespace(), self.command());
            RegionAccount account = new RegionAccount(region, tenant, slot);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                account.detach();
                region.releaseSlot(slot);
            }, "hami-pool-exit"));
            return new PoolRuntime(resolver, account, !"0".equals(env.get(VMM_VARIABLE)));
        } catch (PoolException e) {
            throw e;
        } catch (RegionException | IllegalArgumentException e) {
            throw new PoolException(CudaDriver.CUDA_ERROR_INVALID_VALUE, e.getMessage());
        } catch (Throwable t) {
            throw new PoolException(CUDA_ERROR_NOT_INITIALIZED, "cannot reach the CUDA driver: " + t);
        }
    }
}
