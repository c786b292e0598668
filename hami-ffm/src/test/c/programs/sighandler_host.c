/*
 * Checks that the application's own signal handlers survive whatever the
 * preloaded library (and the JVM it boots) does to signal dispositions.
 *
 * Usage: sighandler_host [--mode MODE] [--settle-ms MS]
 *   1. installs SIGUSR1 and SIGSEGV handlers (sigaction) before any CUDA call;
 *   2. cuInit, primary context, cuMemAlloc + cuMemFree through MODE (default direct);
 *      then sleeps MS (default 0) in case the preload finishes booting asynchronously;
 *   3. raise(SIGUSR1) and a NULL write under sigsetjmp: the first handlers must run;
 *   4. installs a second pair of handlers and repeats: the second pair must run.
 *
 * Output: usr1_handled=, segv_handled=, usr1_handled2=, segv_handled2= (1 when
 *         the expected handler ran, else 0), segv_addr= (fault address the
 *         first SIGSEGV handler saw, hex: 0 expected; 0xffffffffffffffff if it never ran). Exit status 0 only if all four are 1, else 4
 *         (1 usage, 2 CUDA call failed, 3 driver not reachable).
 */
#include "common.h"

#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>

static volatile sig_atomic_t usr1_first, usr1_second, segv_first, segv_second;
static void *volatile segv_addr = (void *)-1;
static sigjmp_buf segv_jump;

static void on_usr1_first(int sig) { (void)sig; usr1_first++; }
static void on_usr1_second(int sig) { (void)sig; usr1_second++; }

static void on_segv_first(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    segv_first++;
    segv_addr = si->si_addr;
    siglongjmp(segv_jump, 1);
}

static void on_segv_second(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    segv_second++;
    siglongjmp(segv_jump, 1);
}

static void install(void (*usr1)(int), void (*segv)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = usr1;
    if (sigaction(SIGUSR1, &sa, NULL))
        fail(EXIT_CUDA, "sigaction(SIGUSR1): %s", strerror(errno));
    sa.sa_handler = NULL;
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSEGV, &sa, NULL))
        fail(EXIT_CUDA, "sigaction(SIGSEGV): %s", strerror(errno));
}

/* Returns whether the write faulted and the handler jumped back. */
static int null_write(void)
{
    /* Both volatiles matter: the compiler must neither see the NULL (and emit a
     * trap instead of the store) nor drop the store as dead. */
    volatile int *volatile target = NULL;
    if (sigsetjmp(segv_jump, 1) == 0) {
        *target = 42;
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    const char *mode = "direct", *v;
    long settle_ms = 0;
    for (int i = 1; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--mode")))
            mode = v;
        else if ((v = opt_value(argc, argv, &i, "--settle-ms")))
            settle_ms = parse_long("--settle-ms", v, 0, LONG_MAX / 1000);
        else
            fail(EXIT_USAGE, "usage: %s [--mode MODE] [--settle-ms MS]", argv[0]);
    }
    output_init();
    install(on_usr1_first, on_segv_first);

    struct cuapi api;
    cuapi_load(&api, mode);
    cuapi_open_device0(&api);
    CUdeviceptr p;
    cu_check(&api, api.memAlloc(&p, 1 << 20), "cuMemAlloc");
    cu_check(&api, api.memFree(p), "cuMemFree");
    if (settle_ms)
        sleep_ms(settle_ms);

    raise(SIGUSR1);
    int jumped = null_write();
    int usr1_ok = usr1_first == 1, segv_ok = jumped && segv_first == 1;
    printf("usr1_handled=%d\nsegv_handled=%d\nsegv_addr=%#" PRIxPTR "\n", usr1_ok, segv_ok, (uintptr_t)segv_addr);

    install(on_usr1_second, on_segv_second);
    raise(SIGUSR1);
    jumped = null_write();
    int usr1_ok2 = usr1_second == 1 && usr1_first == 1;
    int segv_ok2 = jumped && segv_second == 1 && segv_first == 1;
    printf("usr1_handled2=%d\nsegv_handled2=%d\n", usr1_ok2, segv_ok2);

    return usr1_ok && segv_ok && usr1_ok2 && segv_ok2 ? 0 : 4;
}
