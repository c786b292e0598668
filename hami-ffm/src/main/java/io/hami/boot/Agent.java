package io.hami.boot;

import io.hami.hooks.Downcalls;
import io.hami.hooks.HookContext;
import io.hami.hooks.MemoryHooks;
import io.hami.hooks.PassThroughHooks;
import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.ByteSize;
import io.hami.limits.LimitConfig;
import io.hami.log.Log;
import io.hami.region.ProcessInfo;
import io.hami.region.Region;
import io.hami.region.RegionException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
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
    static final long RECLAIM_PERIOD_MILLIS = 2_000;

    private Agent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        System.setOut(new PrintStream(System.err, true)); // the host's stdout is never ours
        Bridge bridge;
        try {
            bridge = Bridge.fromSystemProperty();
        } catch (Throwable t) {
            Log.error("cannot read the trampoline's bridge: " + t);
            return; // the trampoline sees no verdict and refuses allocations
        }
        if (bridge == null) {
            Log.error("hami-ffm.jar was loaded as an agent without the trampoline (-D" + Bridge.PROPERTY
                    + " missing); run the program under hami-run or LD_PRELOAD=<dist>/lib/libhami.so");
            return;
        }
        try {
            boot(bridge, System.getenv());
            bridge.report(true, null);
        } catch (Throwable t) {
            String message = t instanceof IllegalArgumentException || t instanceof RegionException
                    ? t.getMessage() : "hami-ffm failed to start: " + t;
            try {
                bridge.report(false, message);
            } catch (Throwable ignored) {
                Log.error(message);
            }
        }
    }

    static void boot(Bridge bridge, Map<String, String> env) throws Throwable {
        LimitConfig config = LimitConfig.fromEnvironment(env);
        boolean hookAll = "1".equals(env.get(HOOK_ALL_VARIABLE));
        CudaDriver.resolver(bridge::realSymbol);

        Region region = Region.openOrCreate(config.region());
        region.reclaimDeadSlots();
        ProcessInfo self = ProcessInfo.current();
        int tenant = joinTenant(region, config);
        int slot = region.claimSlot(tenant, self.pid(), self.startTime(), self.pidNamespace(), self.command());
        for (int attempt = 0; !region.isTenant(tenant, config.tenant()); attempt++) {
            // an idle ephemeral tenant was reclaimed between our lookup and our slot: join again
            region.releaseSlot(slot);
            if (attempt == 3) {
                throw new RegionException("tenant '" + config.tenant() + "' keeps disappearing from " + region.path());
            }
            tenant = joinTenant(region, config);
            slot = region.claimSlot(tenant, self.pid(), self.startTime(), self.pidNamespace(), self.command());
        }
        HookContext.set(new HookContext(bridge::realSymbol, region, tenant, slot));

        List<String> installed = new ArrayList<>();
        if (config.limited() || hookAll) {
            install(bridge, MemoryHooks.class, installed, CudaDriver.cuMemAlloc_v2.NAME, CudaDriver.cuMemAlloc_v2.DESC);
            install(bridge, MemoryHooks.class, installed, CudaDriver.cuMemFree_v2.NAME, CudaDriver.cuMemFree_v2.DESC);
            install(bridge, MemoryHooks.class, installed, CudaDriver.cuMemGetInfo_v2.NAME,
                    CudaDriver.cuMemGetInfo_v2.DESC);
            install(bridge, MemoryHooks.class, installed, CudaDriver.cuDeviceTotalMem_v2.NAME,
                    CudaDriver.cuDeviceTotalMem_v2.DESC);
        }
        if (hookAll) {
            install(bridge, PassThroughHooks.class, installed, CudaDriver.cuInit.NAME, CudaDriver.cuInit.DESC);
            install(bridge, PassThroughHooks.class, installed, CudaDriver.cuLaunchKernel.NAME,
                    CudaDriver.cuLaunchKernel.DESC);
            install(bridge, PassThroughHooks.class, installed, CudaDriver.cuLaunchKernel_ptsz.NAME,
                    CudaDriver.cuLaunchKernel_ptsz.DESC);
        }
        ExitHook.arm(region, slot);
        installExitHook(bridge);
        startReclaimer(region, slot);
        if (Log.enabled(Log.INFO)) {
            Log.info("tenant '" + config.tenant() + "' in " + region.path() + ", slot " + slot + ", limit "
                    + describeLimits(region, tenant) + ", hooks " + installed);
        }
    }

    /** Finds the configured tenant, creating it with the configured limits; the region's record is the truth. */
    private static int joinTenant(Region region, LimitConfig config) throws RegionException {
        int tenant = region.findOrCreateTenant(config.tenant(), config.limits(), false);
        for (int d = 0; d < config.limits().length; d++) {
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
     * process is alive. One daemon thread, asleep almost always; liveness itself comes from the slot lock.
     */
    private static void startReclaimer(Region region, int slot) {
        Thread.ofPlatform().daemon().name("hami-reclaimer").start(() -> {
            while (true) {
                try {
                    Thread.sleep(RECLAIM_PERIOD_MILLIS);
                    region.heartbeat(slot);
                    region.reclaimDeadSlots();
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    Log.error("reclaiming dead processes failed: " + t);
                }
            }
        });
    }

    /** Creates the upcall stub for {@code owner.name} (pointers as long) and installs it in the trampoline. */
    private static void install(Bridge bridge, Class<?> owner, List<String> installed, String name,
                                FunctionDescriptor descriptor) throws ReflectiveOperationException {
        FunctionDescriptor raw = Downcalls.raw(descriptor);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        lookup.ensureInitialized(owner); // a failing static initializer must fail here, not inside an upcall
        MethodHandle target = lookup.findStatic(owner, name, raw.toMethodType());
        MemorySegment stub = Linker.nativeLinker().upcallStub(target, raw, Arena.global());
        bridge.install(name, stub);
        installed.add(name);
    }
}
