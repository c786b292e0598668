// oversub.cu - uses more memory than the limit and checks every byte (test-gpu/memory_apis.sh, oversubscription).
//
// Build: nvcc -O2 -o oversub oversub.cu
// Usage: oversub [--gib N] (default 8): N GiB in 256 MiB cudaMalloc chunks; a kernel writes a pattern into every
// 32-bit word, a second kernel sums every chunk on the device, the host compares with the closed form.
// Protocol as api_fill.c: pid=, phase=ctx and phase=full each wait for one line on stdin; then allocated=,
// bytes=, checksum_ok=, seconds=, phase=done. Exit 0 when every chunk was allocated and every checksum matched.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda_runtime.h>
#include <unistd.h>

static __global__ void fill(unsigned *p, size_t n, unsigned seed)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        p[i] = (unsigned)i * 2654435761u + seed;
}

static __global__ void sum(const unsigned *p, size_t n, unsigned long long *out)
{
    unsigned long long local = 0;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        local += p[i];
    atomicAdd(out, local);
}

static void wait_line(const char *phase)
{
    char buf[64];
    printf("phase=%s\n", phase);
    fflush(stdout);
    if (!fgets(buf, sizeof buf, stdin))
        sleep(1);
}

int main(int argc, char **argv)
{
    int gib = 8;
    for (int i = 1; i + 1 < argc; i += 2)
        if (!strcmp(argv[i], "--gib"))
            gib = atoi(argv[i + 1]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("pid=%d\n", (int)getpid());
    if (cudaFree(0) != cudaSuccess) {
        printf("error=no device\n");
        return 1;
    }
    wait_line("ctx");
    const size_t chunk = 256ull << 20, words = chunk / 4;
    const int count = gib * 4;
    unsigned **chunks = (unsigned **)calloc(count, sizeof *chunks);
    unsigned long long *dsum;
    cudaMalloc(&dsum, sizeof *dsum);
    auto start = std::chrono::steady_clock::now();
    int n = 0;
    for (; n < count; n++) {
        cudaError_t e = cudaMalloc(&chunks[n], chunk);
        if (e != cudaSuccess) {
            printf("first_error=%s\n", cudaGetErrorName(e));
            break;
        }
        fill<<<1024, 256>>>(chunks[n], words, (unsigned)n);
    }
    cudaDeviceSynchronize();
    int ok = n == count;
    for (int i = 0; i < n; i++) {
        unsigned long long expect = 0, got = 0;
        for (size_t w = 0; w < words; w++) // closed form would overflow-wrap the same way; the host just adds
            expect += (unsigned)((unsigned)w * 2654435761u + (unsigned)i);
        cudaMemset(dsum, 0, sizeof *dsum);
        sum<<<1024, 256>>>(chunks[i], words, dsum);
        cudaMemcpy(&got, dsum, sizeof got, cudaMemcpyDeviceToHost);
        if (got != expect) {
            printf("checksum_mismatch_chunk=%d\n", i);
            ok = 0;
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    printf("allocated=%d\nbytes=%zu\nchecksum_ok=%d\nseconds=%.3f\nfree=%zu\ntotal=%zu\n", n, (size_t)n * chunk, ok,
           seconds, free_b, total_b);
    wait_line("full");
    for (int i = 0; i < n; i++)
        cudaFree(chunks[i]);
    printf("phase=done\n");
    return ok ? 0 : 1;
}
