package io.hami.bindings.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Downcalls through a Resolver into a stand-in driver library built here with gcc. The resolver is
 * process-global and set once, so the steps are ordered (surefire runs this class in its own JVM).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResolverDowncallTest {

    // Includes cuda.h so gcc also checks these stand-ins against the real prototypes.
    private static final String FAKE_DRIVER = """
            #include <stddef.h>
            #include <cuda.h>

            CUresult CUDAAPI cuDriverGetVersion(int *driverVersion) {
                if (driverVersion == NULL) return CUDA_ERROR_INVALID_VALUE;
                *driverVersion = 13000;
                return CUDA_SUCCESS;
            }

            CUresult CUDAAPI cuGetErrorName(CUresult error, const char **pStr) {
                if (error == CUDA_ERROR_OUT_OF_MEMORY) { *pStr = "CUDA_ERROR_OUT_OF_MEMORY"; return CUDA_SUCCESS; }
                *pStr = NULL;
                return CUDA_ERROR_INVALID_VALUE;
            }

            CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize) {
                *dptr = 0x7f0000000000ULL + bytesize;
                return CUDA_SUCCESS;
            }
            """;

    private static Path library;
    private static final Set<String> asked = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void buildFakeDriver() throws Exception {
        Path dir = NativeTools.targetDir("fake-driver");
        Path src = dir.resolve("fakecuda.c");
        Files.writeString(src, FAKE_DRIVER);
        library = dir.resolve("libfakecuda.so");
        var r = NativeTools.gcc(List.of("-shared", "-fPIC", "-std=gnu11", "-Wall",
                "-I" + NativeTools.cudaInclude(), "-o", library.toString(), src.toString()));
        assertThat(r.exitCode()).as("building %s:%n%s", library, r.output()).isZero();
    }

    @Test
    @Order(1)
    void callingBeforeResolverIsSetFailsClearly() {
        assumeFalse(CudaDriver.hasResolver(), "needs a JVM where no resolver was installed yet");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(CudaDriver.C_INT);
            assertThatThrownBy(() -> CudaDriver.cuDriverGetVersion(version))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cuDriverGetVersion")
                    .hasMessageContaining("CudaDriver.resolver(");
        }
    }

    @Test
    @Order(2)
    void downcallGoesThroughTheResolver() {
        // SymbolLookup is for this test only: in the product, addresses come from the C trampoline.
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        CudaDriver.resolver(name -> {
            asked.add(name);
            return lib.find(name).orElse(MemorySegment.NULL);
        });

        try (Arena arena = Arena.ofConfined()) {
            // same function that failed in step 1: an early misuse must not break it for good
            MemorySegment version = arena.allocate(CudaDriver.C_INT);
            assertThat(CudaDriver.cuDriverGetVersion(version)).isEqualTo(CudaDriver.CUDA_SUCCESS);
            assertThat(version.get(CudaDriver.C_INT, 0)).isEqualTo(13000);
            assertThat(CudaDriver.cuDriverGetVersion(MemorySegment.NULL)).isEqualTo(CudaDriver.CUDA_ERROR_INVALID_VALUE);

            MemorySegment str = arena.allocate(CudaDriver.C_POINTER);
            assertThat(CudaDriver.cuGetErrorName(CudaDriver.CUDA_ERROR_OUT_OF_MEMORY, str)).isZero();
            assertThat(str.get(CudaDriver.C_POINTER, 0).getString(0)).isEqualTo("CUDA_ERROR_OUT_OF_MEMORY");

            MemorySegment dptr = arena.allocate(CudaDriver.CUdeviceptr);
            assertThat(CudaDriver.cuMemAlloc_v2(dptr, 1L << 33)).isZero();
            assertThat(dptr.get(CudaDriver.CUdeviceptr, 0)).isEqualTo(0x7f0000000000L + (1L << 33));
        }
        assertThat(asked).contains("cuDriverGetVersion", "cuGetErrorName", "cuMemAlloc_v2");
        assertThat(CudaDriver.cuDriverGetVersion$address().address())
                .isEqualTo(lib.find("cuDriverGetVersion").orElseThrow().address());
    }

    @Test
    @Order(3)
    void missingSymbolFailsClearlyEveryTime() {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> CudaDriver.cuInit(0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cuInit")
                    .hasMessageContaining("not found");
        }
    }

    @Test
    @Order(4)
    void resolverIsSetOnce() {
        assertThatThrownBy(() -> CudaDriver.resolver(name -> MemorySegment.NULL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only once");
    }
}
