/*
 * A process that only asks questions (like torch.cuda.is_available() or cudart filling its device table): cuInit,
 * cuDeviceGetCount, cuDeviceTotalMem_v2. Under a limit it must see the limit and start no JVM.
 * Output: count= devtotal= threads= (entries of /proc/self/task after 300 ms)
 */
#include <cuda.h>
#include <dirent.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
    int count = 0;
    size_t total = 0;
    CUresult rc = cuInit(0);
    if (rc == CUDA_SUCCESS)
        rc = cuDeviceGetCount(&count);
    if (rc == CUDA_SUCCESS)
        rc = cuDeviceTotalMem(&total, 0);
    if (rc != CUDA_SUCCESS) {
        printf("error=%d\n", (int)rc);
        return 2;
    }
    struct timespec pause = {0, 300000000L};
    nanosleep(&pause, NULL);
    int threads = 0;
    DIR *tasks = opendir("/proc/self/task");
    for (struct dirent *e; tasks && (e = readdir(tasks)) != NULL;)
        threads += e->d_name[0] != '.';
    if (tasks)
        closedir(tasks);
    printf("count=%d\ndevtotal=%zu\nthreads=%d\n", count, total, threads);
    return 0;
}
