package io.hami.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code hami-run doctor} asks of the machine beyond files and the environment (those come from {@link Host}):
 * the CUDA driver, NVML, the trampoline and the bundled runtime. {@link NativeProbes} is the real one; tests give
 * their own answers.
 */
interface DoctorProbes {
    /** CUresult 0 and nvmlReturn_t 0. */
    int SUCCESS = 0;

    /** libcuda.so.1 as this process loaded it; {@code loadError} is set when it could not be loaded at all. */
    record Driver(String loadError, String file, int initResult, String initError, int version, List<Gpu> devices) {
        static Driver unloadable(String loadError) {
            return new Driver(loadError, null, -1, null, 0, List.of());
        }
    }

    /** One device: its name and total memory, or the CUresult that refused them. */
    record Gpu(int ordinal, String name, long totalBytes, int result, String error) {}

    /** libnvidia-ml.so.1; {@code loadError} is set when it could not be loaded. */
    record Nvml(String loadError, int initResult, String initError, String driverVersion) {}

    /** lib/libhami.so loaded into this process: the names it lacks and the embedded JVM's fixed options. */
    record Trampoline(String loadError, List<String> missing, List<String> jvmOptions) {}

    /** A finished command: its exit status and its stdout and stderr together. */
    record Output(int exit, String text) {}

    Driver driver();

    Nvml nvml();

    /** Loads {@code library} and looks for each of {@code exports}. */
    Trampoline trampoline(Path library, List<String> exports);

    /** Runs {@code command} to its end (bounded: a hung one is killed and reported as exit -1). */
    Output run(List<String> command) throws IOException;
}
