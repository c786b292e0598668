package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.bin;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import io.hami.region.Region;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two fake GPUs (1 GiB and 2 GiB, fakedevices.h) under the real trampoline and JVM: limits given per visible index
 * bind the physical GPU that index names in every form of CUDA_VISIBLE_DEVICES, CUDA and NVML agree on it, processes
 * that see one GPU under different ordinals meet on one region device, and NVML's free never wraps.
 */
class MultiDeviceIT {
    private static final String UUID = "GPU-46414b45-4355-4441-8000-0000000000";

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Map<String, String> env(String visible) {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        env.put("FAKECUDA_DEVICES", "2");
        env.put("FAKECUDA_TOTAL_MB", "1024,2048");
        if (!visible.isEmpty()) {
            env.put("CUDA_VISIBLE_DEVICES", visible);
        }
        return env;
    }

    private static byte[] uuid(int physical) {
        byte[] uuid = new byte[16];
        System.arraycopy("FAKECUDA".getBytes(), 0, uuid, 0, 8);
        uuid[8] = (byte) 0x80;
        uuid[15] = (byte) physical;
        return uuid;
    }

    @ParameterizedTest(name = "CUDA_VISIBLE_DEVICES=''{0}''")
    @CsvSource(delimiter = ';', value = {"'';0,1", "1,0;1,0", "1;1", GPU_1 + ";1"})
    void limits_per_visible_index_bind_the_gpu_it_names_in_cuda_and_nvml(String visible, String physical)
            throws Exception {
        Map<String, String> env = env(visible);
        env.put("CUDA_DEVICE_MEMORY_LIMIT_0", "16m");
        env.put("CUDA_DEVICE_MEMORY_LIMIT_1", "32m");
        Result r = run(env, 60, bin("devices").toString(), "--fill", "--nvml");
        assertThat(r.exit()).as(r.stderr()).isZero();
        NativeHarness.assertOnlyProgramOutput(r);
        List<Integer> seen = List.of(physical.split(",")).stream().map(Integer::parseInt).toList();
        assertThat(r.number("count")).isEqualTo(seen.size());
        Map<String, String> ledger = NativeHarness.ledger(dir);
        long[] physicalTotal = {1024 * MIB, 2048 * MIB};
        long[] limitOf = new long[2];
        for (int ordinal = 0; ordinal < seen.size(); ordinal++) {
            int p = seen.get(ordinal);
            long limit = (ordinal == 0 ? 16 : 32) * MIB;
            limitOf[p] = limit;
            assertThat(r.get("cuda" + ordinal + ".uuid")).isEqualTo(UUID + "0" + p);
            assertThat(r.number("cuda" + ordinal + ".total")).as("cuDeviceTotalMem of ordinal %d", ordinal)
                    .isEqualTo(limit);
            assertThat(r.number("cuda" + ordinal + ".allocated")).isEqualTo(limit / MIB);
            assertThat(r.number("cuda" + ordinal + ".meminfo_total")).isEqualTo(limit);
            assertThat(r.number("cuda" + ordinal + ".free")).isZero();
            assertThat(Long.parseLong(ledger.get("dev" + p + ".hwm"))).as("physical GPU %d", p).isEqualTo(limit);
        }
        for (int p = 0; p < 2; p++) {
            assertThat(r.get("nvml" + p + ".uuid")).isEqualTo(UUID + "0" + p);
            long total = limitOf[p] == 0 ? physicalTotal[p] : limitOf[p];
            assertThat(r.number("nvml" + p + ".total")).as("NVML total of physical GPU %d", p).isEqualTo(total);
            assertThat(r.number("nvml" + p + ".v2_total")).isEqualTo(total);
            assertThat(r.number("nvml" + p + ".used")).isEqualTo(limitOf[p]);
            assertThat(r.number("nvml" + p + ".v2_used")).isEqualTo(limitOf[p]);
            assertThat(r.number("nvml" + p + ".free")).isEqualTo(total - limitOf[p]);
            assertThat(r.number("nvml" + p + ".v2_reserved") + r.number("nvml" + p + ".v2_used")
                    + r.number("nvml" + p + ".v2_free")).isEqualTo(total);
        }
    }

    private static final String GPU_1 = UUID + "01";

    /**
     * A (CUDA_VISIBLE_DEVICES=1,0) fills its 16 MiB on GPU 1, its ordinal 0; B, of the same tenant, sees GPU 1 as
     * ordinal 1 (0,1) and gets nothing there, while GPU 0 is still free to it. NVML in B shows A's use on GPU 1. Then the limit on GPU 1 is
     * lowered below what A holds: an NVML-only process sees free = 0 (not 18 EB) and starts no JVM.
     */
    @Test
    void processes_meet_on_the_physical_gpu_and_nvml_free_never_wraps() throws Exception {
        Map<String, String> envA = env("1,0");
        envA.put("CUDA_DEVICE_MEMORY_LIMIT", "16m");
        ProcessBuilder builder = new ProcessBuilder(bin("devices").toString(), "--fill", "--only", "0", "--hold-ms",
                "20000");
        builder.environment().clear();
        builder.environment().putAll(envA);
        Path outA = dir.resolve("a.out");
        Process a = builder.redirectOutput(outA.toFile()).redirectError(dir.resolve("a.err").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!java.nio.file.Files.readString(outA).contains("cuda1.total=")) {
                assertThat(a.isAlive()).as("process A: %s", java.nio.file.Files.readString(dir.resolve("a.err")))
                        .isTrue();
                assertThat(System.nanoTime()).as("process A filling GPU 1").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(NativeHarness.parse(java.nio.file.Files.readString(outA))).containsEntry("cuda0.allocated", "16");

            Map<String, String> envB = env("0,1");
            envB.put("CUDA_DEVICE_MEMORY_LIMIT", "16m");
            Result b = run(envB, 60, bin("devices").toString(), "--fill", "--nvml");
            assertThat(b.exit()).as(b.stderr()).isZero();
            assertThat(b.number("cuda0.allocated")).as("GPU 0").isEqualTo(16);
            assertThat(b.number("cuda1.allocated")).as("GPU 1, full with A's memory").isZero();
            assertThat(b.number("nvml1.used")).isEqualTo(16 * MIB);
            assertThat(b.number("nvml1.free")).isZero();

            try (Region region = Region.open(dir.resolve("test.region"))) {
                int tenant = region.findTenant("default");
                int device = region.findDevice(uuid(1));
                assertThat(device).as("GPU 1's region device").isNotNegative();
                assertThat(region.used(tenant, device)).isEqualTo(16 * MIB);
                region.setLimit(tenant, device, 8 * MIB);
            }
            Map<String, String> envC = env("");
            envC.put("CUDA_DEVICE_MEMORY_LIMIT", "16m");
            Result nvmlOnly = run(envC, 60, bin("devices").toString(), "--no-cuda", "--nvml");
            assertThat(nvmlOnly.exit()).as(nvmlOnly.stderr()).isZero();
            assertThat(nvmlOnly.number("nvml1.total")).isEqualTo(8 * MIB);
            assertThat(nvmlOnly.number("nvml1.used")).isEqualTo(16 * MIB);
            assertThat(nvmlOnly.number("nvml1.free")).as("free once use passed a lowered limit").isZero();
            assertThat(nvmlOnly.number("nvml1.v2_free")).isZero();
            assertThat(nvmlOnly.number("nvml1.v2_reserved")).isZero();
            assertThat(nvmlOnly.number("jvm")).isZero();
        } finally {
            a.destroy();
            a.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code hami-run --region <the test region> ARGS} under {@code CUDA_VISIBLE_DEVICES=visible}. */
    private Result hamiRun(String visible, String... args) throws Exception {
        Map<String, String> env = env(visible);
        env.remove("LD_PRELOAD");
        List<String> command = new ArrayList<>(List.of(NativeHarness.DIST.resolve("bin/hami-run").toString(),
                "--region", dir.resolve("test.region").toString()));
        command.addAll(List.of(args));
        return run(env, 60, command.toArray(String[]::new));
    }

    /** One process that sees both GPUs in order claims their records first: region device i is physical GPU i. */
    private void numberGpusPhysically() throws Exception {
        Map<String, String> first = env("");
        first.put("CUDA_DEVICE_MEMORY_LIMIT", "1m");
        Result learn = run(first, 60, bin("devices").toString(), "--fill", "--only", "1");
        assertThat(learn.exit()).as(learn.stderr()).isZero();
        try (Region region = Region.open(dir.resolve("test.region"))) {
            assertThat(region.findDevice(uuid(0))).isZero();
            assertThat(region.findDevice(uuid(1))).isEqualTo(1);
        }
    }

    /**
     * hami-run's --device-memory names visible indices too: with the region already numbering the GPUs physically,
     * CUDA_VISIBLE_DEVICES=1,0 and 0=16m,1=32m put 16 MiB on GPU 1 and 32 MiB on GPU 0, in CUDA and NVML.
     */
    @Test
    void hami_run_device_memory_binds_the_gpu_each_visible_index_names() throws Exception {
        numberGpusPhysically();
        Result r = hamiRun("1,0", "--device-memory", "0=16m,1=32m", "--", bin("devices").toString(), "--fill",
                "--nvml");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.get("cuda0.uuid")).isEqualTo(GPU_1);
        assertThat(r.number("cuda0.allocated")).isEqualTo(16);
        assertThat(r.number("cuda1.allocated")).isEqualTo(32);
        assertThat(r.number("nvml1.total")).isEqualTo(16 * MIB);
        assertThat(r.number("nvml0.total")).isEqualTo(32 * MIB);
    }

    /**
     * SM shares name visible indices too (hami-run --device-sm, CUDA_DEVICE_SM_LIMIT_i): with CUDA_VISIBLE_DEVICES=1,0
     * a share for index 0 lands on GPU 1, and GPU 0 gets none.
     */
    @Test
    void sm_shares_per_visible_index_bind_the_gpu_each_index_names() throws Exception {
        numberGpusPhysically();
        Result r = hamiRun("1,0", "--tenant", "sm-run", "--memory", "1m", "--device-sm", "0=30", "--",
                bin("devices").toString(), "--fill", "--only", "0");
        assertThat(r.exit()).as(r.stderr()).isZero();
        Map<String, String> environment = env("1,0");
        environment.put("CUDA_DEVICE_MEMORY_LIMIT", "1m");
        environment.put("CUDA_DEVICE_SM_LIMIT_0", "40");
        Result e = run(environment, 60, bin("devices").toString(), "--fill", "--only", "0");
        assertThat(e.exit()).as(e.stderr()).isZero();
        try (Region region = Region.open(dir.resolve("test.region"))) {
            int gpu0 = region.findDevice(uuid(0));
            int gpu1 = region.findDevice(uuid(1));
            int launchedTenant = region.findTenant("sm-run");
            assertThat(region.smShare(launchedTenant, gpu1)).as("hami-run, index 0 = GPU 1").isEqualTo(30);
            assertThat(region.smShare(launchedTenant, gpu0)).isZero();
            int environmentTenant = region.findTenant("default");
            assertThat(region.smShare(environmentTenant, gpu1)).as("environment, index 0 = GPU 1").isEqualTo(40);
            assertThat(region.smShare(environmentTenant, gpu0)).isZero();
        }
    }

    /** nvidia-smi's case: a process that only reads NVML, under hami-run, sees the limit and starts no JVM. */
    @Test
    void an_nvml_only_program_under_hami_run_sees_the_limit_without_a_jvm() throws Exception {
        Result r = hamiRun("1", "--memory", "64m", "--", bin("devices").toString(), "--no-cuda", "--nvml");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("nvml1.total")).as("the GPU CUDA_VISIBLE_DEVICES shows").isEqualTo(64 * MIB);
        assertThat(r.number("nvml1.free")).isEqualTo(64 * MIB);
        assertThat(r.number("nvml0.total")).as("a GPU the program does not see: untouched").isEqualTo(1024 * MIB);
        assertThat(r.number("jvm")).isZero();
        assertThat(r.number("threads")).isEqualTo(1);
    }
}
