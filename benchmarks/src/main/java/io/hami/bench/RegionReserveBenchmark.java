package io.hami.bench;

import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
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
 * Reserve + release on one tenant's counter in the mapped region, by many threads at once: the CAS protocol of
 * {@link Region#tryReserve} against the same check-and-add guarded by a semaphore (HAMi-core's design, in-process
 * here; across processes it is a lockf). Sample mode gives p50/p99.
 *
 * <pre>for t in 1 4 16 64; do java --enable-native-access=ALL-UNNAMED \
 *   -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" org.openjdk.jmh.Main RegionReserve -t $t; done</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RegionReserveBenchmark {
    private static final long BYTES = 1 << 20;

    private Path dir;
    private Region region;
    private int tenant;
    private int slot;
    private MemorySegment segment;
    private long counter;
    private long limit;
    private final Semaphore semaphore = new Semaphore(1);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("hami-bench");
        region = Region.openOrCreate(dir.resolve("bench.region"));
        limit = 1L << 50;
        tenant = region.findOrCreateTenant("bench", new long[] {limit}, false);
        slot = region.claimSlot(tenant, ProcessHandle.current().pid(), 0, 0, "jmh");
        segment = region.segment();
        counter = RegionLayout.tenantUsedOffset(tenant, 1); // device 1: the baseline's own counter
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        region.close();
        Files.deleteIfExists(dir.resolve("bench.region"));
        Files.deleteIfExists(dir);
    }

    /** The region's protocol: one CAS to reserve (checked against the limit), one add to release. */
    @Benchmark
    public boolean casReserveRelease() {
        boolean ok = region.tryReserve(tenant, slot, 0, BYTES);
        if (ok) {
            region.release(tenant, slot, 0, BYTES);
        }
        return ok;
    }

    /** The same check-and-add and release, each under a semaphore. */
    @Benchmark
    public boolean semaphoreReserveRelease() {
        semaphore.acquireUninterruptibly();
        boolean ok;
        try {
            long used = segment.get(ValueLayout.JAVA_LONG, counter);
            ok = used + BYTES <= limit;
            if (ok) {
                segment.set(ValueLayout.JAVA_LONG, counter, used + BYTES);
            }
        } finally {
            semaphore.release();
        }
        if (ok) {
            semaphore.acquireUninterruptibly();
            try {
                segment.set(ValueLayout.JAVA_LONG, counter, segment.get(ValueLayout.JAVA_LONG, counter) - BYTES);
            } finally {
                semaphore.release();
            }
        }
        return ok;
    }
}
