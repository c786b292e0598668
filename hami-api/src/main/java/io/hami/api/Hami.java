package io.hami.api;

import io.hami.boot.Agent;
import io.hami.pool.BlockPool;
import io.hami.pool.PoolException;
import io.hami.pool.PoolRuntime;
import io.hami.region.Region;
import io.hami.region.RegionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The hami-ffm library for JVM applications and jshell (Java 22+): open a region, list and change its tenants
 * ({@link HamiRegion}), create KV block pools, and check whether this JVM's own CUDA calls are limited.
 *
 * <pre>{@code
 * try (HamiRegion region = Hami.open()) {              // the region hami-run status shows
 *     region.tenants().forEach(t -> System.out.println(t.name() + " " + t.used(0) + "/" + t.limit(0)));
 *     region.setMemoryLimit("team-a", 6L << 30);
 * }
 * Hami.requireHooks();   // this JVM's allocations are limited, or a HamiException says how to start it
 * }</pre>
 *
 * <p>Native access: run the JVM with {@code --enable-native-access=ALL-UNNAMED} (the region is a mapped file read
 * with atomics; pools and hooks call the driver). docs/library.md has the Maven coordinates and more examples.
 */
public final class Hami {
    private Hami() {}

    /** Where {@link #open()} looks: {@code $CUDA_DEVICE_MEMORY_SHARED_CACHE}, else {@code /dev/shm/hami-ffm.region}. */
    public static Path defaultRegionPath() {
        return Region.defaultPath(System.getenv()).toAbsolutePath().normalize();
    }

    /** Opens the region of this host's hami-run jobs ({@link #defaultRegionPath()}); never creates one. */
    public static HamiRegion open() {
        return open(defaultRegionPath());
    }

    /** Opens an existing region; never creates one. */
    public static HamiRegion open(Path path) {
        try {
            return new HamiRegion(Region.open(path));
        } catch (RegionException e) {
            if (Files.notExists(path)) {
                throw new HamiException("no region at " + path + ": start a job with hami-run (which creates it), "
                        + "name another with Hami.open(path) or CUDA_DEVICE_MEMORY_SHARED_CACHE, or make a scratch "
                        + "one with Hami.openOrCreate(path)", e);
            }
            throw new HamiException(e.getMessage(), e);
        }
    }

    /** The region at {@link #defaultRegionPath()} if there is one. */
    public static Optional<HamiRegion> openIfPresent() {
        Path path = defaultRegionPath();
        return Files.exists(path) ? Optional.of(open(path)) : Optional.empty();
    }

    /** Opens the region at {@code path}, creating it if missing: for experiments on a scratch file. */
    public static HamiRegion openOrCreate(Path path) {
        try {
            return new HamiRegion(Region.openOrCreate(path));
        } catch (RegionException e) {
            throw new HamiException(e.getMessage(), e);
        }
    }

    /**
     * What the hami-ffm agent did in this JVM: {@link Agent.Status#INSTALLED} when this JVM's CUDA allocations count
     * against its tenant (started under {@code LD_PRELOAD=<dist>/lib/libhami.so} with a limit and
     * {@code -javaagent:<dist>/lib/hami-ffm.jar}, or booted by the trampoline itself).
     */
    public static Agent.Status hooks() {
        return Agent.status();
    }

    /** Returns when the hooks are installed in this JVM; else throws with what is missing and how to start it. */
    public static void requireHooks() {
        Agent.Status status = Agent.status();
        if (status == Agent.Status.INSTALLED) {
            return;
        }
        String fix = switch (status) {
            case ABSENT -> "the hami-ffm agent is not running in this JVM: start java with "
                    + "LD_PRELOAD=<dist>/lib/libhami.so, a limit (hami-run --memory SIZE -- java ..., or "
                    + "CUDA_DEVICE_MEMORY_LIMIT) and -javaagent:<dist>/lib/hami-ffm.jar";
            default -> Agent.statusMessage();
        };
        throw new HamiException("the hooks are not installed in this JVM (" + status + "): " + fix);
    }

    /**
     * A KV block pool on {@code device} (docs/pool.md): {@code maxBlocks} blocks of {@code blockBytes}, counted
     * against this process's tenant. In a JVM with the hooks installed the pool uses the trampoline's real driver
     * and this process's slot; in a plain JVM on a GPU host, the driver from {@code libcuda.so.1} and a slot in the
     * tenant the environment names ({@code HAMI_TENANT}, {@code CUDA_DEVICE_MEMORY_LIMIT}, {@code
     * CUDA_DEVICE_MEMORY_SHARED_CACHE}).
     */
    public static BlockPool kvPool(int device, long blockBytes, long maxBlocks) {
        try {
            return BlockPool.create(runtime(), device, blockBytes, maxBlocks, 0);
        } catch (PoolException e) {
            throw new HamiException(e.getMessage(), e);
        }
    }

    private static synchronized PoolRuntime runtime() throws PoolException {
        PoolRuntime runtime = PoolRuntime.current();
        if (runtime == null) {
            runtime = PoolRuntime.standalone(System.getenv());
            PoolRuntime.use(runtime);
        }
        return runtime;
    }
}
