package io.hami.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.hami.log.Log;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real probes: the driver and NVML called through FFM in hami-run's own JVM (which never runs under the
 * trampoline: bin/hami-run unsets LD_PRELOAD), the runtime run as a child process.
 */
final class NativeProbes implements DoctorProbes {
    static final String DRIVER = "libcuda.so.1";
    static final String NVML = "libnvidia-ml.so.1";
    private static final long TIMEOUT_SECONDS = 60;
    private static final int NAME_BYTES = 256;

    @Override
    public Driver driver() {
        NativeLibrary cuda;
        try {
            cuda = NativeLibrary.open(DRIVER);
        } catch (NativeLibrary.LoadException e) {
            return Driver.unloadable(e.getMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle init = required(cuda, "cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            String file = cuda.find("cuInit").map(NativeLibrary::fileOf).orElse(null);
            Optional<MethodHandle> errorName = cuda.function("cuGetErrorName",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
            MemorySegment number = arena.allocate(JAVA_INT);
            int version = 0;
            Optional<MethodHandle> driverVersion = cuda.function("cuDriverGetVersion",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            if (driverVersion.isPresent() && (int) driverVersion.get().invokeExact(number) == SUCCESS) {
                version = number.get(JAVA_INT, 0);
            }
            int initResult = (int) init.invokeExact(0);
            if (initResult != SUCCESS) {
                return new Driver(null, file, initResult, name(errorName, initResult, arena), version, List.of());
            }
            MethodHandle count = required(cuda, "cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            MethodHandle get = required(cuda, "cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            MethodHandle deviceName = required(cuda, "cuDeviceGetName",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            MethodHandle total = required(cuda, "cuDeviceTotalMem_v2",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            int result = (int) count.invokeExact(number);
            if (result != SUCCESS) {
                return new Driver(null, file, result, "cuDeviceGetCount: " + name(errorName, result, arena), version,
                        List.of());
            }
            List<Gpu> devices = new ArrayList<>();
            for (int ordinal = 0, n = number.get(JAVA_INT, 0); ordinal < n; ordinal++) {
                MemorySegment device = arena.allocate(JAVA_INT);
                MemorySegment text = arena.allocate(NAME_BYTES);
                MemorySegment bytes = arena.allocate(JAVA_LONG);
                result = (int) get.invokeExact(device, ordinal);
                int dev = device.get(JAVA_INT, 0);
                if (result == SUCCESS) {
                    result = (int) deviceName.invokeExact(text, NAME_BYTES, dev);
                }
                if (result == SUCCESS) {
                    result = (int) total.invokeExact(bytes, dev);
                }
                devices.add(result == SUCCESS
                        ? new Gpu(ordinal, text.getString(0), bytes.get(JAVA_LONG, 0), SUCCESS, null)
                        : new Gpu(ordinal, null, 0, result, name(errorName, result, arena)));
            }
            return new Driver(null, file, SUCCESS, null, version, devices);
        } catch (Throwable t) {
            return Driver.unloadable(DRIVER + " did not answer as a CUDA driver: " + t);
        }
    }

    @Override
    public Nvml nvml() {
        NativeLibrary nvml;
        try {
            nvml = NativeLibrary.open(NVML);
        } catch (NativeLibrary.LoadException e) {
            return new Nvml(e.getMessage(), -1, null, null);
        }
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle init = required(nvml, "nvmlInit_v2", FunctionDescriptor.of(JAVA_INT));
            Optional<MethodHandle> errorString = nvml.function("nvmlErrorString",
                    FunctionDescriptor.of(ADDRESS, JAVA_INT));
            int result = (int) init.invokeExact();
            if (result != SUCCESS) {
                String error = errorString.isEmpty() ? null
                        : NativeLibrary.cString((MemorySegment) errorString.get().invokeExact(result));
                return new Nvml(null, result, error, null);
            }
            MemorySegment text = arena.allocate(NAME_BYTES);
            String version = null;
            Optional<MethodHandle> driverVersion = nvml.function("nvmlSystemGetDriverVersion",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            if (driverVersion.isPresent() && (int) driverVersion.get().invokeExact(text, NAME_BYTES) == SUCCESS) {
                version = text.getString(0);
            }
            Optional<MethodHandle> shutdown = nvml.function("nvmlShutdown", FunctionDescriptor.of(JAVA_INT));
            if (shutdown.isPresent()) {
                int ignored = (int) shutdown.get().invokeExact();
            }
            return new Nvml(null, SUCCESS, null, version);
        } catch (Throwable t) {
            return new Nvml(NVML + " did not answer as NVML: " + t, -1, null, null);
        }
    }

    @Override
    public Trampoline trampoline(Path library, List<String> exports) {
        NativeLibrary hami;
        try {
            hami = NativeLibrary.open(library.toString());
        } catch (NativeLibrary.LoadException e) {
            return new Trampoline(e.getMessage(), exports, List.of());
        }
        String file = hami.find(DoctorCommand.JVM_OPTION_EXPORT).map(NativeLibrary::fileOf).orElse(null);
        // found through a dependency (dlsym searches them too) is not exported by the trampoline
        List<String> missing = exports.stream()
                .filter(name -> hami.find(name).map(NativeLibrary::fileOf).filter(f -> f.equals(file)).isEmpty())
                .toList();
        List<String> options = new ArrayList<>();
        Optional<MethodHandle> option = hami.function(DoctorCommand.JVM_OPTION_EXPORT,
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
        try {
            for (int i = 0; option.isPresent() && i < 256; i++) {
                String text = NativeLibrary.cString((MemorySegment) option.get().invokeExact(i));
                if (text == null) {
                    break;
                }
                options.add(text);
            }
        } catch (Throwable t) {
            options.clear();
        }
        return new Trampoline(null, missing, options);
    }

    @Override
    public Output run(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the agent, started without a trampoline by the AOT check, logs that: into the output read here, never
        // into the user's log file
        builder.environment().remove(Log.FILE_VARIABLE);
        Process process = builder.start();
        process.getOutputStream().close();
        // read on another thread: a command that hangs with its output open must still time out
        CompletableFuture<byte[]> text = CompletableFuture.supplyAsync(() -> {
            try (var in = process.getInputStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Output(-1, "did not end within " + TIMEOUT_SECONDS + " s");
            }
            return new Output(process.exitValue(), new String(text.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    StandardCharsets.UTF_8));
        } catch (ExecutionException | TimeoutException e) {
            return new Output(process.exitValue(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Output(-1, "interrupted");
        }
    }

    private static MethodHandle required(NativeLibrary library, String name, FunctionDescriptor descriptor) {
        return library.function(name, descriptor).orElseThrow(() -> new UnsatisfiedLinkError("no " + name));
    }

    /** {@code CUDA_ERROR_NO_DEVICE (100)}, or the number alone where the driver cannot name it. */
    private static String name(Optional<MethodHandle> errorName, int result, Arena arena) throws Throwable {
        MemorySegment text = arena.allocate(ADDRESS);
        if (errorName.isPresent() && (int) errorName.get().invokeExact(result, text) == SUCCESS) {
            String name = NativeLibrary.cString(text.get(ADDRESS, 0));
            if (name != null) {
                return name + " (" + result + ")";
            }
        }
        return "CUresult " + result;
    }
}
