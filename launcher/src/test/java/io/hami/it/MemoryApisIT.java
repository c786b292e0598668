package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.bin;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every path that takes device memory, against the fake driver through the real trampoline and JVM: each fills a
 * 32 MiB limit exactly with 2 MiB allocations, is refused with CUDA_ERROR_OUT_OF_MEMORY, reads free = 0 while full,
 * and gives every byte back; the driver's own high-water mark never passes the limit. VMM's reference patterns and
 * an import of memory charged elsewhere are followed step by step.
 */
class MemoryApisIT {
    private static final long LIMIT = 32 * MIB;
    private static final long CHUNK = 2 * MIB;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    /** The preload under a 32 MiB limit, with the fake driver's ledger. */
    private Map<String, String> limited() {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT", "32m");
        return env;
    }

    private Result memoryApis(String api) throws Exception {
        Result r = run(limited(), 60, bin("memory_apis").toString(), "--api", api, "--chunk", Long.toString(CHUNK));
        assertThat(r.exit()).as("%s: %s", api, r.stderr()).isZero();
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"managed", "pitch", "async", "async-procaddr", "pool-async", "vmm", "array2d", "array3d",
            "mipmapped", "external"})
    void fills_the_limit_exactly_and_gives_everything_back(String api) throws Exception {
        Result r = memoryApis(api);
        assertThat(r.number("allocated")).isEqualTo(LIMIT / CHUNK);
        assertThat(r.number("first_oom")).isEqualTo(2);
        assertThat(r.number("free_full")).isZero();
        assertThat(r.number("free_after")).isEqualTo(LIMIT);
        Map<String, String> ledger = NativeHarness.ledger(dir);
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).isEqualTo(LIMIT);
        assertThat(Long.parseLong(ledger.get("dev0.live"))).isZero();
    }

    @Test
    void oversubscription_serves_what_the_limit_refuses_from_host_memory() throws Exception {
        Map<String, String> env = limited();
        env.put("CUDA_OVERSUBSCRIBE", "true");
        Result r = run(env, 60, bin("memory_apis").toString(), "--api", "alloc", "--chunk", Long.toString(CHUNK),
                "--max", Long.toString(2 * LIMIT / CHUNK));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).as("twice the limit, none refused").isEqualTo(2 * LIMIT / CHUNK);
        assertThat(r.number("free_full")).as("the device part is full").isZero();
        assertThat(r.number("free_after")).isEqualTo(LIMIT);
        Map<String, String> ledger = NativeHarness.ledger(dir);
        long hostServed = LIMIT / CHUNK;
        assertThat(Long.parseLong(ledger.get("calls.cuMemAllocManaged"))).isEqualTo(hostServed);
        assertThat(Long.parseLong(ledger.get("calls.cuMemAdvise_v2"))).as("preferred location + accessed by")
                .isEqualTo(2 * hostServed);
        // the fake charges a managed allocation to the device until its host advice: one chunk at a time
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).isEqualTo(LIMIT + CHUNK);
        assertThat(Long.parseLong(ledger.get("dev0.live"))).isZero();
    }

    @Test
    void memory_opened_through_ipc_is_charged_once_to_its_owner() throws Exception {
        Map<String, String> env = limited();
        env.put("LIBCUDA_LOG_LEVEL", "debug");
        // the importer opens the handle right after its context, while its boot runs: the open waits for its hook
        Result r = run(env, 60, bin("memory_apis").toString(), "--api", "ipc", "--chunk", Long.toString(CHUNK));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).as("the importer shows the mapping as imported")
                .contains("opened an IPC handle of " + CHUNK + " bytes");
        long charged = LIMIT - 4 * CHUNK;
        assertThat(r.number("ipc.child_exit")).isZero();
        assertThat(r.number("ipc.child_size")).as("the mapping").isEqualTo(CHUNK);
        assertThat(r.number("ipc.child_free")).as("the importer sees the owner's charge, nothing more")
                .isEqualTo(charged);
        assertThat(r.number("ipc.child_free_closed")).isEqualTo(charged);
        assertThat(r.number("ipc.parent_free")).isEqualTo(charged);
        assertThat(r.number("free_after")).isEqualTo(LIMIT);
        Map<String, String> ledger = NativeHarness.ledger(dir);
        assertThat(Long.parseLong(ledger.get("calls.cuIpcOpenMemHandle_v2"))).isEqualTo(1);
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).isEqualTo(4 * CHUNK);
    }

    @Test
    void every_context_is_charged_the_size_measured_once_for_its_device() throws Exception {
        Map<String, String> env = limited();
        env.put("FAKECUDA_CONTEXT_MB", "4");
        Result r = run(env, 60, bin("memory_apis").toString(), "--api", "contexts", "--chunk", Long.toString(CHUNK));
        assertThat(r.exit()).as(r.stderr()).isZero();
        long context = 4 * MIB;
        assertThat(r.number("free.primary")).as("the primary context, charged when the JVM came up")
                .isEqualTo(LIMIT - context);
        assertThat(r.number("free.extra")).as("an extra context, reserved before it was made")
                .isEqualTo(LIMIT - 2 * context);
        assertThat(r.number("allocated")).isEqualTo((LIMIT - 2 * context) / CHUNK);
        assertThat(r.number("first_oom")).isEqualTo(2);
        assertThat(r.number("free.extra_destroyed")).isEqualTo(LIMIT - context);
        assertThat(r.number("free.reretained")).as("released with its last reference, charged again when retained")
                .isEqualTo(LIMIT - context);
        Map<String, String> ledger = NativeHarness.ledger(dir);
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).as("contexts included, the device never held more")
                .isEqualTo(LIMIT);
    }

    @Test
    void vmm_memory_stays_charged_while_any_handle_or_mapping_holds_it() throws Exception {
        Result r = memoryApis("vmm-retain");
        long charged = LIMIT - CHUNK;
        assertThat(r.number("free.after_create")).isEqualTo(charged);
        assertThat(r.number("free.after_release_first")).as("the retained handle and the mapping hold it")
                .isEqualTo(charged);
        assertThat(r.number("free.after_unmap")).as("the retained handle holds it").isEqualTo(charged);
        assertThat(r.number("free.after_release_second")).isEqualTo(LIMIT);
    }

    @Test
    void an_imported_allocation_is_never_charged_twice() throws Exception {
        Result r = memoryApis("vmm-import");
        assertThat(r.number("free.after_create")).isEqualTo(LIMIT - CHUNK);
        assertThat(r.number("free.after_import")).isEqualTo(LIMIT - CHUNK);
        assertThat(r.number("free.after_release_import")).isEqualTo(LIMIT - CHUNK);
        assertThat(r.number("free_after")).isEqualTo(LIMIT);
    }
}
