package io.hami.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link PoolStatsLayout} against the struct in include/hami.h, compared by gcc; and what write() puts where. */
class PoolStatsLayoutTest {
    private static final Path HEADER = Path.of("src/main/include/hami.h").toAbsolutePath();

    @Test
    void every_field_sits_where_the_header_puts_it() throws Exception {
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include \"" + HEADER + "\"\n");
        c.append("_Static_assert(sizeof(struct hami_pool_stats) == ").append(PoolStatsLayout.SIZE)
                .append(", \"size\");\n");
        c.append("_Static_assert(sizeof(hami_pool_stats_t) == ").append(PoolStatsLayout.SIZE).append(", \"t\");\n");
        c.append("_Static_assert(HAMI_POOL_VMM == ").append(PoolStats.VMM).append(", \"flag\");\n");
        for (MemoryLayout field : PoolStatsLayout.LAYOUT.memberLayouts()) {
            String name = field.name().orElseThrow();
            c.append("_Static_assert(offsetof(struct hami_pool_stats, ").append(name).append(") == ")
                    .append(PoolStatsLayout.offset(name)).append(" && sizeof(((struct hami_pool_stats *)0)->")
                    .append(name).append(") == ").append(field.byteSize()).append(", \"").append(name)
                    .append("\");\n");
        }
        // the prototypes of the ABI, exactly
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_create), "
                + "int (*)(int, size_t, size_t, void **)), \"create\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_alloc), "
                + "int (*)(void *, CUdeviceptr *)), \"alloc\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_alloc_batch), "
                + "int (*)(void *, size_t, CUdeviceptr *)), \"alloc_batch\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_free), "
                + "int (*)(void *, CUdeviceptr)), \"free\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_free_batch), "
                + "int (*)(void *, size_t, const CUdeviceptr *)), \"free_batch\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_reserve), "
                + "int (*)(void *, size_t)), \"reserve\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_set_pressure_callback), "
                + "int (*)(void *, void (*)(void *, size_t, void *), unsigned, void *)), \"callback\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_stats), "
                + "int (*)(void *, struct hami_pool_stats *)), \"stats\");\n");
        c.append("_Static_assert(__builtin_types_compatible_p(__typeof__(&hami_pool_destroy), "
                + "int (*)(void *)), \"destroy\");\n");
        Path dir = Files.createTempDirectory("hami-stats");
        Path source = dir.resolve("check.c");
        Files.writeString(source, c);
        String include = System.getProperty("cuda.include", "/usr/local/cuda/include");
        for (String std : List.of("-std=c11", "-std=gnu99")) {
            Process gcc = new ProcessBuilder("gcc", std, "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                    "-I" + include, source.toString()).redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes());
            assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(gcc.exitValue()).as("gcc %s:\n%s\n%s", std, output, c).isZero();
        }
        Process cxx = new ProcessBuilder("g++", "-std=c++17", "-Wall", "-Werror", "-fsyntax-only", "-x", "c++",
                "-I" + include, "-include", HEADER.toString(), "/dev/null").redirectErrorStream(true).start();
        String output = new String(cxx.getInputStream().readAllBytes());
        assertThat(cxx.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cxx.exitValue()).as("the header in C++: %s", output).isZero();
    }

    @Test
    void write_puts_each_number_at_its_offset_and_zeroes_the_spare_fields() {
        PoolStats stats = new PoolStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, PoolStats.VMM);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(PoolStatsLayout.SIZE);
            out.fill((byte) 0x5A);
            PoolStatsLayout.write(stats, out);
            String[] longs = {"block_bytes", "max_blocks", "capacity_blocks", "blocks_in_use", "reserved_bytes",
                "growth_steps", "shrink_steps", "pressure_events", "failed_allocs", "chunk_blocks", "reserved_blocks"};
            for (int i = 0; i < longs.length; i++) {
                assertThat(out.get(ValueLayout.JAVA_LONG, PoolStatsLayout.offset(longs[i]))).as(longs[i])
                        .isEqualTo(i + 1);
            }
            assertThat(out.get(ValueLayout.JAVA_INT, PoolStatsLayout.offset("device"))).isEqualTo(12);
            assertThat(out.get(ValueLayout.JAVA_INT, PoolStatsLayout.offset("flags"))).isEqualTo(PoolStats.VMM);
            for (long o = PoolStatsLayout.offset("spare"); o < PoolStatsLayout.SIZE; o++) {
                assertThat(out.get(ValueLayout.JAVA_BYTE, o)).isZero();
            }
            assertThat(PoolStatsLayout.LAYOUT.byteSize()).isEqualTo(PoolStatsLayout.SIZE);
        }
    }
}
