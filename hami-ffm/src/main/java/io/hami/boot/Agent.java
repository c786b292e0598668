package io.hami.boot;

import io.hami.hooks.ArrayHooks;
import io.hami.hooks.ContextHooks;
import io.hami.hooks.Devices;
import io.hami.hooks.Downcalls;
import io.hami.hooks.GraphLaunchHooks;
import io.hami.hooks.LaunchHooks;
import io.hami.hooks.ExternalMemoryHooks;
import io.hami.hooks.HookContext;
import io.hami.hooks.HookEntries;
import io.hami.hooks.IpcHooks;
import io.hami.hooks.ManagedAndPitchHooks;
import io.hami.hooks.MemoryHooks;
import io.hami.hooks.PassThroughHooks;
import io.hami.hooks.StreamOrderedHooks;
import io.hami.hooks.VmmHooks;
import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.ByteSize;
import io.hami.limits.ComputeConfig;
import io.hami.limits.LimitConfig;
import io.hami.log.Log;
import io.hami.region.ProcessInfo;
import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionLayout;
import io.hami.sched.Clock;
import io.hami.sched.ComputeFeedback;
import io.hami.sched.ComputeLines;
import io.hami.sched.Throttle;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The in-process side of the boot. The trampoline creates this JVM with {@code -javaagent}; {@code premain} runs
 * before {@code JNI_CreateJavaVM} returns: it joins the region, claims a slot, installs the hooks, and reports its
 * verdict. Nothing may escape it: an exception out of premain ends the host process.
 */
public final class Agent {
    /** Set to 1 to route every export through Java, limit or not (measures the upcall path). */
    public static final String HOOK_ALL_VARIABLE = "HAMI_HOOK_ALL";
    static final String EXIT_HOOK = "hami_exit";

    /** A trampoline export and the class whose static method of the same name handles it. */
    record Hook(Class<?> owner, CudaDriver.FunctionInfo function) {}

    /**
     * Every path that takes device memory, and what a tenant reads of its size (docs/memory.md), in the order they
     * are installed. A call that needs a decision goes on as soon as its own hook is in, before the agent's verdict
     * (docs/startup.md), so: contexts first (those created meanwhile are then charged, before any allocation is
     * decided), what the first allocation of most programs needs next, and in every group the call that gives back
     * before the one that takes, so that nothing taken through a hook is given back past it.
     */
    static final List<Hook> MEMORY_HOOKS = List.of(
            new Hook(ContextHooks.class, CudaDriver.cuDevicePrimaryCtxRetain.INFO),
            new Hook(ContextHooks.class, CudaDriver.cuDevicePrimaryCtxRelease_v2.INFO),
            new Hook(ContextHooks.class, ContextHooks.Legacy.CREATE_V2),
            new Hook(ContextHooks.class, ContextHooks.Legacy.CREATE_V3),
            new Hook(ContextHooks.class, CudaDriver.cuCtxCreate_v4.INFO),
            new Hook(ContextHooks.class, CudaDriver.cuCtxDestroy_v2.INFO),
            new Hook(MemoryHooks.class, CudaDriver.cuMemFree_v2.INFO),
            new Hook(MemoryHooks.class, CudaDriver.cuMemAlloc_v2.INFO),
            new Hook(MemoryHooks.class, CudaDriver.cuMemGetInfo_v2.INFO),
            new Hook(MemoryHooks.class, CudaDriver.cuDeviceTotalMem_v2.INFO),
            new Hook(ManagedAndPitchHooks.class, CudaDriver.cuMemAllocManaged.INFO),
            new Hook(ManagedAndPitchHooks.class, CudaDriver.cuMemAllocPitch_v2.INFO),
            new Hook(StreamOrderedHooks.class, CudaDriver.cuMemFreeAsync.INFO),
            new Hook(StreamOrderedHooks.class, CudaDriver.cuMemFreeAsync_ptsz.INFO),
            new Hook(StreamOrderedHooks.class, CudaDriver.cuMemAllocAsync.INFO),
            new Hook(StreamOrderedHooks.class, CudaDriver.cuMemAllocAsync_ptsz.INFO),
            new Hook(StreamOrderedHooks.class, CudaDriver.cuMemAllocFromPoolAsync.INFO),
            new Hook(StreamOrderedHooks.class, CudaDriver.cuMemAllocFromPoolAsync_ptsz.INFO),
            new Hook(VmmHooks.class, CudaDriver.cuMemUnmap.INFO),
            new Hook(VmmHooks.class, CudaDriver.cuMemRelease.INFO),
            new Hook(VmmHooks.class, CudaDriver.cuMemRetainAllocationHandle.INFO),
            new Hook(VmmHooks.class, CudaDriver.cuMemMap.INFO),
            new Hook(VmmHooks.class, CudaDriver.cuMemImportFromShareableHandle.INFO),
            new Hook(VmmHooks.class, CudaDriver.cuMemCreate.INFO),
            new Hook(GraphLaunchHooks.class, CudaDriver.cuGraphLaunch.INFO),
            new Hook(GraphLaunchHooks.class, CudaDriver.cuGraphLaunch_ptsz.INFO),
            // issue 3's remaining memory paths (docs/memory.md)
            new Hook(ArrayHooks.class, CudaDriver.cuArrayDestroy.INFO),
            new Hook(ArrayHooks.class, CudaDriver.cuMipmappedArrayDestroy.INFO),
            new Hook(ArrayHooks.class, CudaDriver.cuArrayCreate_v2.INFO),
            new Hook(ArrayHooks.class, CudaDriver.cuArray3DCreate_v2.INFO),
            new Hook(ArrayHooks.class, CudaDriver.cuMipmappedArrayCreate.INFO),
            new Hook(ExternalMemoryHooks.class, CudaDriver.cuDestroyExternalMemory.INFO),
            new Hook(ExternalMemoryHooks.class, CudaDriver.cuImportExternalMemory.INFO),
            new Hook(IpcHooks.class, CudaDriver.cuIpcCloseMemHandle.INFO),
            new Hook(IpcHooks.class, CudaDriver.cuIpcOpenMemHandle_v2.INFO));
    /** How many of {@link #MEMORY_HOOKS} are the context hooks, after which existing contexts are charged. */
    static final int CONTEXT_HOOK_COUNT = 6;

    /** HAMI_HOOK_ALL: the upcall path itself, for measurement. */
    static final List<Hook> PASS_THROUGH_HOOKS = List.of(
            new Hook(PassThroughHooks.class, CudaDriver.cuInit.INFO),
            new Hook(PassThroughHooks.class, CudaDriver.cuLaunchKernel.INFO),
            new Hook(PassThroughHooks.class, CudaDriver.cuLaunchKernel_ptsz.INFO));
    /** Kernel launches, installed while compute sharing is engaged (docs/compute.md); uninstalled otherwise. */
    static final List<Hook> LAUNCH_HOOKS = List.of(
            new Hook(LaunchHooks.class, CudaDriver.cuLaunchKernel.INFO),
            new Hook(LaunchHooks.class, CudaDriver.cuLaunchKernel_ptsz.INFO),
            new Hook(LaunchHooks.class, CudaDriver.cuLaunchKernelEx.INFO),
            new Hook(LaunchHooks.class, CudaDriver.cuLaunchKernelEx_ptsz.INFO),
            new Hook(LaunchHooks.class, CudaDriver.cuLaunchCooperativeKernel.INFO),
            new Hook(LaunchHooks.class, CudaDriver.cuLaunchCooperativeKernel_ptsz.INFO));
    static final long RECLAIM_PERIOD_MILLIS = 2_000;
    /** How soon a share or priority set with hami-run set engages or releases the launch hooks. */
    static final long COMPUTE_CHECK_MILLIS = 250;

    /** Every trampoline export the agent may install a hook into (hami-run doctor checks lib/libhami.so has them). */
    public static List<String> hookExports() {
        return java.util.stream.Stream.concat(MEMORY_HOOKS.stream(), PASS_THROUGH_HOOKS.stream())
                .map(hook -> hook.function().name()).toList();
    }

    private Agent() {}

    /** What the agent did in this JVM, for the library ({@code io.hami.api}) and for diagnosis. */
    public enum Status {
        /** The agent did not run in this JVM (no {@code -javaagent}). */
        ABSENT,
        /** {@code -javaagent} without {@code LD_PRELOAD=<dist>/lib/libhami.so}: nothing to hook. */
        NOT_PRELOADED,
        /** Under the preload, but no limit is set: every driver call passes straight through. */
        NOTHING_TO_DO,
        /** The hooks are installed: this process's allocations count against its tenant. */
        INSTALLED,
        /** The hooks could not be installed; allocations under the limit are refused ({@link #statusMessage}). */
        FAILED
    }

    private static volatile Status status = Status.ABSENT;
    private static volatile String statusMessage = "the hami-ffm agent did not run in this JVM";

    public static Status status() {
        return status;
    }

    /** One line: what happened and, where something is missing, the fix. */
    public static String statusMessage() {
        return statusMessage;
    }

    private static void status(Status value, String message) {
        statusMessage = message;
        status = value;
    }

    public static void premain(String args, Instrumentation instrumentation) {
        long entered = System.nanoTime();
        Bridge bridge;
        boolean hosted;
        try {
            bridge = Bridge.fromSystemProperty();
            hosted = bridge == null;
            if (hosted) {
                // a JVM the host started itself (java -javaagent:...): the trampoline created none, and waits for us
                switch (Bridge.fromLoadedTrampoline()) {
                    case Bridge.Hosted.NotPreloaded notPreloaded -> {
                        status(Status.NOT_PRELOADED, "hami-ffm.jar was loaded as an agent without the trampoline: "
                                + "start the JVM with LD_PRELOAD=<dist>/lib/libhami.so, or under hami-run");
                        Log.error(statusMessage);
                        return;
                    }
                    case Bridge.Hosted.NothingToDo nothing -> {
                        status(Status.NOTHING_TO_DO, "no memory limit is set for this process: every CUDA call "
                                + "passes straight to the driver");
                        Log.debug(statusMessage);
                        return;
                    }
                    case Bridge.Hosted.Waiting waiting -> bridge = waiting.bridge();
                }
            } else {
                System.setOut(new PrintStream(System.err, true)); // the host's stdout is never ours
            }
        } catch (Throwable t) {
            status(Status.FAILED, "cannot read the trampoline's bridge: " + t);
            Log.error(statusMessage);
            return; // the trampoline sees no verdict and refuses allocations
        }
        try {
            boot(bridge, System.getenv(), hosted, entered);
            status(Status.INSTALLED, "hooks installed");
            bridge.report(true, null);
        } catch (Throwable t) {
            String message = t instanceof IllegalArgumentException || t instanceof RegionException
                    ? t.getMessage() : "hami-ffm failed to start: " + t;
            status(Status.FAILED, message);
            try {
                bridge.report(false, message);
            } catch (Throwable ignored) {
                Log.error(message);
            }
        }
    }

    /** {@code hosted}: the host started this JVM, which then exits as JVMs do, running its shutdown hooks. */
    static void boot(Bridge bridge, Map<String, String> env, boolean hosted, long entered) throws Throwable {
        AheadStubs memoryStubs = new AheadStubs(bridge, MEMORY_HOOKS);
        LimitConfig config = LimitConfig.fromEnvironment(env);
        ComputeConfig compute = ComputeConfig.fromEnvironment(env);
        boolean hookAll = "1".equals(env.get(HOOK_ALL_VARIABLE));
        CudaDriver.resolver(bridge::realSymbol);

        Region region = Region.openOrCreate(config.region());
        region.reclaimDeadSlots();
        ProcessInfo self = ProcessInfo.current();
        Devices devices = new Devices(bridge::realSymbol, region);
        // limits are asked per visible index and recorded per physical GPU (docs/memory.md)
        config = new LimitConfig(config.region(), config.tenant(), devices.regionLimits(config.limits()));
        int tenant = joinTenant(region, config, !env.containsKey(LimitConfig.TENANT_VARIABLE));
        int slot = region.claimSlot(tenant, self.pid(), self.startTime(), self.pidNamespace(), self.command());
        for (int attempt = 0; !region.isTenant(tenant, config.tenant()); attempt++) {
            // an idle ephemeral tenant was reclaimed between our lookup and our slot: join again
            region.releaseSlot(slot);
            if (attempt == 3) {
                throw new RegionException("tenant '" + config.tenant() + "' keeps disappearing from " + region.path());
            }
            tenant = joinTenant(region, config, !env.containsKey(LimitConfig.TENANT_VARIABLE));
            slot = region.claimSlot(tenant, self.pid(), self.startTime(), self.pidNamespace(), self.command());
        }
        applyCompute(region, tenant, compute, devices);
        HookContext.set(new HookContext(bridge::realSymbol, region, tenant, slot));
        Devices.set(devices);

        long joined = System.nanoTime();
        List<String> installed = new ArrayList<>();
        // a hami-run job is always tracked, so that `hami-run set` can limit it while it runs
        boolean tracked = config.limited() || compute.asksForAnything()
                || env.containsKey(LimitConfig.TENANT_VARIABLE);
        if (tracked || hookAll) {
            for (int i = 0; i < MEMORY_HOOKS.size(); i++) {
                install(bridge, MEMORY_HOOKS.get(i), memoryStubs.take(i), installed);
                if (i == CONTEXT_HOOK_COUNT - 1) {
                    ContextHooks.chargeExisting(); // contexts created while the JVM booted; later ones meet the hooks
                }
            }
            pauseForTests(env);
        }
        if (hookAll) {
            for (Hook hook : PASS_THROUGH_HOOKS) {
                install(bridge, hook, stub(bridge, hook), installed);
            }
        }
        long hooked = System.nanoTime();
        io.hami.pool.PoolBridge.install(bridge::install, bridge::realSymbol, region, tenant, slot);
        ComputeSwitch launches = hookAll ? null : new ComputeSwitch(bridge, region, tenant, compute.sharesDisabled());
        if (launches != null && tracked) {
            launches.update();
        }
        ExitHook.arm(region, slot);
        if (hosted) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitHook::onExit, "hami-exit"));
        } else {
            installExitHook(bridge);
        }
        ComputeFeedback feedback = tracked && !hookAll
                ? new ComputeFeedback(region, tenant, compute.sharesDisabled(),
                        !"off".equals(env.get(ComputeFeedback.BUSY_CORRECTION_VARIABLE)), Clock.SYSTEM) : null;
        startReclaimer(region, slot, tracked ? launches : null, feedback);
        if (Log.enabled(Log.DEBUG)) {
            // against the trampoline's clock (CLOCK_MONOTONIC, as nanoTime): where the boot's time goes
            long origin = Long.getLong("hami.bootStarted", entered);
            Log.debug(String.format("boot steps, ms after it began: agent %.1f, region and devices %.1f, memory hooks "
                    + "%.1f, done %.1f", (entered - origin) / 1e6, (joined - origin) / 1e6, (hooked - origin) / 1e6,
                    (System.nanoTime() - origin) / 1e6));
        }
        if (Log.enabled(Log.INFO)) {
            Log.info("tenant '" + config.tenant() + "' in " + region.path() + ", slot " + slot + ", limit "
                    + describeLimits(region, tenant) + ", hooks " + installed);
        }
    }

    /**
     * Test seam: {@code HAMI_TEST_BOOT_PAUSE_MS} holds the boot that long once the memory hooks are in, before the
     * verdict, so that a test can see calls go on through their hooks meanwhile (StartupIT). Never set in production.
     */
    private static void pauseForTests(Map<String, String> env) throws InterruptedException {
        String pause = env.get("HAMI_TEST_BOOT_PAUSE_MS");
        if (pause != null && !pause.isBlank()) {
            Thread.sleep(Long.parseLong(pause.strip()));
        }
    }

    /**
     * Finds the configured tenant, creating it with the configured limits; the region's record is the truth. In
     * environment mode a difference is worth a warning; under hami-run the launch checked it, and a later
     * {@code hami-run set} is the difference's reason.
     */
    private static int joinTenant(Region region, LimitConfig config, boolean environmentMode) throws RegionException {
        int tenant = region.findOrCreateTenant(config.tenant(), config.limits(), false);
        for (int d = 0; environmentMode && d < config.limits().length; d++) {
            long recorded = region.limit(tenant, d);
            if (recorded != config.limits()[d]) {
                Log.warn("tenant '" + config.tenant() + "' already has a limit of " + describe(recorded)
                        + " on device " + d + " in " + region.path() + "; this process asked for "
                        + describe(config.limits()[d]) + ": the recorded limit applies (change it with hami-run set)");
                break;
            }
        }
        return tenant;
    }

    private static String describe(long limit) {
        return limit == 0 ? "none" : ByteSize.format(limit);
    }

    private static String describeLimits(Region region, int tenant) {
        long first = region.limit(tenant, 0);
        return describe(first) + (region.limit(tenant, 1) == first ? " per device" : " on device 0");
    }

    /** The trampoline calls it from a C atexit handler; an older trampoline without it leaves exit to reclamation. */
    private static void installExitHook(Bridge bridge) throws ReflectiveOperationException {
        FunctionDescriptor descriptor = FunctionDescriptor.ofVoid();
        MethodHandle target = MethodHandles.lookup().findStatic(ExitHook.class, "onExit", descriptor.toMethodType());
        try {
            bridge.install(EXIT_HOOK, Linker.nativeLinker().upcallStub(target, descriptor, Arena.global()));
        } catch (IllegalStateException e) {
            Log.debug("no exit hook: " + e.getMessage());
        }
    }

    /**
     * Every few seconds: give back what processes that died (SIGKILL, OOM kill, crash) still hold, and show this
     * process is alive; every quarter second, engage or release compute sharing as the tenant's record says and
     * step what the device measured into compute sharing (bandwidth limits, the busy-time correction). One daemon thread, asleep almost always; liveness itself comes from the slot lock. A
     * failure is logged once, then at debug level (it would repeat four times a second).
     */
    private static void startReclaimer(Region region, int slot, ComputeSwitch launches, ComputeFeedback feedback) {
        Thread.ofPlatform().daemon().name("hami-reclaimer").start(() -> {
            long checks = RECLAIM_PERIOD_MILLIS / COMPUTE_CHECK_MILLIS;
            boolean failed = false;
            for (long tick = 1; ; tick++) {
                try {
                    Thread.sleep(COMPUTE_CHECK_MILLIS);
                    ContextHooks.chargeLate();
                    if (launches != null) {
                        launches.update();
                    }
                    if (feedback != null) {
                        feedback.step();
                    }
                    if (tick % checks == 0) {
                        region.heartbeat(slot);
                        region.reclaimDeadSlots();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    if (!failed) {
                        Log.error("the agent's periodic work (reclaiming, compute sharing) failed: " + t);
                    } else {
                        Log.debug("the agent's periodic work failed again: " + t);
                    }
                    failed = true;
                }
            }
        });
    }

    /**
     * The environment's compute settings (HAMi's names) where the tenant's record has none: the record is the truth
     * (hami-run wrote it, or hami-run set changed it), the environment fills what nobody set.
     */
    private static void applyCompute(Region region, int tenant, ComputeConfig compute, Devices devices)
            throws Throwable {
        ComputeLines lines = new ComputeLines(region.segment());
        long[] shares = onGpus(devices, compute.smShares());
        long[] bandwidth = onGpus(devices, compute.bandwidthLimits());
        for (int d = 0; d < RegionLayout.DEVICE_CAPACITY; d++) {
            if (shares[d] != 0 && region.smShare(tenant, d) == 0) {
                region.setSmShare(tenant, d, (int) shares[d]);
            }
            if (bandwidth[d] != 0 && lines.bandwidthLimit(tenant, d) == 0) {
                lines.setBandwidthLimit(tenant, d, (int) bandwidth[d]);
            }
        }
        if (compute.priority() != Region.PRIORITY_NORMAL && region.priority(tenant) == Region.PRIORITY_NORMAL) {
            region.setPriority(tenant, compute.priority());
        }
    }

    /** Values asked per visible index (CUDA_DEVICE_SM_LIMIT_<i>), on the region devices of those GPUs, as limits. */
    private static long[] onGpus(Devices devices, int[] visible) throws Throwable {
        long[] values = Arrays.stream(visible).asLongStream().toArray();
        return Arrays.stream(values).allMatch(v -> v == 0) ? values : devices.regionLimits(values);
    }

    /**
     * Installs the kernel launch hooks while the tenant's record asks for compute sharing, and takes them out when it
     * stops asking, so that a tenant without a share pays nothing per launch. Stubs are made once, on first need.
     */
    static final class ComputeSwitch {
        private final Bridge bridge;
        private final Region region;
        private final int tenant;
        private final boolean sharesDisabled;
        private List<MemorySegment> stubs;
        private boolean engaged;

        ComputeSwitch(Bridge bridge, Region region, int tenant, boolean sharesDisabled) {
            this.bridge = bridge;
            this.region = region;
            this.tenant = tenant;
            this.sharesDisabled = sharesDisabled;
        }

        void update() throws ReflectiveOperationException {
            boolean wanted = Throttle.engaged(region, tenant, sharesDisabled);
            if (wanted == engaged) {
                return;
            }
            if (stubs == null) {
                stubs = new ArrayList<>();
                for (Hook hook : LAUNCH_HOOKS) {
                    MethodHandles.lookup().ensureInitialized(hook.owner());
                    stubs.add(stub(bridge, hook));
                }
            }
            for (int i = 0; i < LAUNCH_HOOKS.size(); i++) {
                if (!stubs.get(i).equals(MemorySegment.NULL)) {
                    bridge.install(LAUNCH_HOOKS.get(i).function().name(), wanted ? stubs.get(i) : MemorySegment.NULL);
                }
            }
            GraphLaunchHooks.engage(wanted);
            engaged = wanted;
            Log.info("compute sharing " + (wanted ? "engaged" : "released") + " for tenant '"
                    + region.tenantName(tenant) + "'");
        }
    }

    /**
     * Installs {@code stub}, made for {@code hook}, in the trampoline once the hook's class is initialized: a failing
     * static initializer must fail here, not inside an upcall.
     */
    private static void install(Bridge bridge, Hook hook, MemorySegment stub, List<String> installed)
            throws IllegalAccessException {
        MethodHandles.lookup().ensureInitialized(hook.owner());
        if (!stub.equals(MemorySegment.NULL)) {
            bridge.install(hook.function().name(), stub);
            installed.add(hook.function().name());
        }
    }

    /**
     * The upcall stub for {@code hook}, or NULL where this driver has no such function: at the shared shape through
     * its {@link HookEntries} entry, or at its own (pointers as long). It leaves the hook's class uninitialized: the
     * class's static state needs the region, which {@link AheadStubs} does not wait for.
     */
    static MemorySegment stub(Bridge bridge, Hook hook) throws ReflectiveOperationException {
        String name = hook.function().name();
        if (bridge.realSymbol(name).equals(MemorySegment.NULL)) {
            return MemorySegment.NULL; // this driver has no such function: nobody can call it through us either
        }
        FunctionDescriptor descriptor = hook.function().descriptor();
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        return Downcalls.shared(descriptor)
                ? Downcalls.upcall(lookup.findStatic(HookEntries.class, name, Downcalls.SHARED.toMethodType()))
                : Downcalls.upcall(lookup.findStatic(hook.owner(), name, Downcalls.raw(descriptor).toMethodType()),
                        descriptor);
    }
}
