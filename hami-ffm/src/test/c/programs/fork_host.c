/*
 * fork before, during and after the preload boots its JVM.
 *
 * Usage: fork_host --mode MODE --when before|during|after --chunk BYTES
 *
 *   before: fork first; the child fills the limit and frees (it boots a JVM of its own), then the parent does.
 *   during: a thread's first allocation starts the boot; the main thread forks while it runs.
 *   after:  the parent allocates (booted), then forks.
 * In "during" and "after" the child has the hook table but none of the JVM's threads: its allocation must come
 * back at once with an error (under a limit), never hang. The child is killed by alarm() after 20 s otherwise.
 *
 * Output: child.allocated= child.first= (first allocation result) child.status= (exit code, or 128+signal)
 *         parent.allocated= parent.first_oom=
 */
#include "common.h"

#include <pthread.h>
#include <sys/wait.h>

static size_t fill(const struct cuapi *api, size_t chunk, CUresult *end, CUresult *first)
{
    CUdeviceptr ptrs[4096];
    size_t n = 0;
    CUresult rc;
    while (n < sizeof ptrs / sizeof ptrs[0] && (rc = api->memAlloc(&ptrs[n], chunk)) == CUDA_SUCCESS) {
        if (n == 0 && first)
            *first = rc;
        n++;
    }
    if (n == 0 && first)
        *first = rc;
    *end = rc;
    for (size_t i = 0; i < n; i++)
        api->memFree(ptrs[i]);
    return n;
}

struct starter {
    const struct cuapi *api;
    CUcontext ctx;
    size_t chunk;
    CUresult result;
    CUdeviceptr p;
};

static void *first_allocation(void *arg)
{
    struct starter *s = arg;
    s->api->ctxSetCurrent(s->ctx);
    s->result = s->api->memAlloc(&s->p, s->chunk);
    return NULL;
}

static void run_child(const struct cuapi *api, size_t chunk, int fresh)
{
    alarm(20);
    if (fresh)
        cuapi_open_device0(api);
    CUresult end = CUDA_SUCCESS, first = CUDA_SUCCESS;
    size_t n = fill(api, chunk, &end, &first);
    printf("child.allocated=%zu\nchild.first=%d\n", n, (int)first);
    fflush(stdout);
    exit(0); /* a normal exit: atexit handlers inherited from the parent run here */
}

int main(int argc, char **argv)
{
    const char *mode = "direct", *when = NULL;
    size_t chunk = 1 << 20;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = opt_value(argc, argv, &i, "--mode")))
            mode = v;
        else if ((v = opt_value(argc, argv, &i, "--when")))
            when = v;
        else if ((v = opt_value(argc, argv, &i, "--chunk")))
            chunk = (size_t)parse_size("--chunk", v);
        else
            fail(EXIT_USAGE, "usage: fork_host --mode MODE --when before|during|after --chunk BYTES");
    }
    if (when == NULL)
        fail(EXIT_USAGE, "--when is required");
    output_init();
    struct cuapi api;
    cuapi_load(&api, mode);

    pid_t child;
    CUcontext ctx = NULL;
    CUdeviceptr held = 0;
    if (strcmp(when, "before") == 0) {
        if ((child = fork()) == 0)
            run_child(&api, chunk, 1);
        ctx = NULL;
    } else {
        ctx = cuapi_open_device0(&api);
        if (strcmp(when, "after") == 0) {
            cu_check(&api, api.memAlloc(&held, chunk), "cuMemAlloc (boot)");
            if ((child = fork()) == 0)
                run_child(&api, chunk, 0);
        } else {
            struct starter s = {&api, ctx, chunk, CUDA_SUCCESS, 0};
            pthread_t t;
            pthread_create(&t, NULL, first_allocation, &s);
            sleep_ms(20); /* the boot takes a few hundred ms: fork inside it */
            if ((child = fork()) == 0)
                run_child(&api, chunk, 0);
            pthread_join(t, NULL);
            cu_check(&api, s.result, "cuMemAlloc (boot thread)");
            held = s.p;
        }
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child.status=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    if (ctx == NULL)
        ctx = cuapi_open_device0(&api);
    if (held != 0)
        cu_check(&api, api.memFree(held), "cuMemFree");
    CUresult end;
    size_t n = fill(&api, chunk, &end, NULL);
    printf("parent.allocated=%zu\nparent.first_oom=%d\n", n, (int)end);
    return 0;
}
