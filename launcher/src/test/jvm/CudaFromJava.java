import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.hami.api.Hami;
import io.hami.api.HamiException;
import io.hami.api.HamiRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM program that calls the CUDA driver through FFM and reads its tenant through the hami-ffm library; run by
 * JvmUnderPreloadIT with the JDK's java under LD_PRELOAD=<dist>/lib/libhami.so and a limit, with and without
 * -javaagent. Allocates 1 MiB chunks until the driver refuses one, reports, frees everything.
 *
 * Output, key=value: hooks, libjvm_mappings (distinct libjvm.so files mapped: 1 = never a second JVM), allocated,
 * first_error (the CUresult that ended the loop), tenant_used (the region's count while holding), tenant_refusals,
 * free_errors, pool (a KV block pool from Hami.kvPool: ok, or why not).
 */
public class CudaFromJava {
    static final long CHUNK = 1 << 20;
    static final int MAX = 4096;

    public static void main(String[] args) throws Throwable {
        System.out.println("hooks=" + Hami.hooks());
        Linker linker = Linker.nativeLinker();
        // libcuda's own symbols, as any FFM program finds them: the preload's dlsym answers with its exports
        SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        MethodHandle init = linker.downcallHandle(cuda.find("cuInit").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        MethodHandle retain = linker.downcallHandle(cuda.find("cuDevicePrimaryCtxRetain").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle setCurrent = linker.downcallHandle(cuda.find("cuCtxSetCurrent").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle alloc = linker.downcallHandle(cuda.find("cuMemAlloc_v2").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        MethodHandle free = linker.downcallHandle(cuda.find("cuMemFree_v2").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        try (Arena arena = Arena.ofConfined()) {
            check("cuInit", (int) init.invokeExact(0));
            MemorySegment context = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) retain.invokeExact(context, 0));
            check("cuCtxSetCurrent", (int) setCurrent.invokeExact(context.get(ADDRESS, 0)));
            MemorySegment pointer = arena.allocate(JAVA_LONG);
            List<Long> held = new ArrayList<>();
            int result = 0;
            while (held.size() < MAX && (result = (int) alloc.invokeExact(pointer, CHUNK)) == 0) {
                held.add(pointer.get(JAVA_LONG, 0));
            }
            System.out.println("allocated=" + held.size());
            System.out.println("first_error=" + result);
            String tenant = System.getenv().getOrDefault("HAMI_TENANT", "default");
            long used = -1; // no region: nothing booted in this process
            long refusals = -1;
            try (HamiRegion region = Hami.openIfPresent().orElse(null)) {
                if (region != null) {
                    used = region.tenant(tenant).map(t -> t.used(0)).orElse(-1L);
                    refusals = region.tenant(tenant).map(t -> t.refusals()).orElse(-1L);
                }
            }
            System.out.println("tenant_used=" + used);
            System.out.println("tenant_refusals=" + refusals);
            int freeErrors = 0;
            for (long p : held) {
                freeErrors += (int) free.invokeExact(p) == 0 ? 0 : 1;
            }
            System.out.println("free_errors=" + freeErrors);
            String pool; // a KV block pool through the library: the agent's runtime, or a refusal that says why
            try (var blocks = Hami.kvPool(0, CHUNK, 16)) {
                pool = blocks.allocate() != 0 ? "ok" : "no block";
            } catch (HamiException e) {
                pool = "refused: " + e.getMessage();
            }
            System.out.println("pool=" + pool);
        }
        System.out.println("libjvm_mappings=" + Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.endsWith("/libjvm.so")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct()
                .count());
    }

    static void check(String call, int result) {
        if (result != 0) {
            System.out.println("error=" + call + ":" + result);
            System.exit(2);
        }
    }
}
