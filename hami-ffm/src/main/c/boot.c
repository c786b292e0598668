/*
 * The JVM boot: once, on a thread of its own, only when a call needs a decision. JNI_CreateJavaVM with -javaagent is
 * the only JNI in the product; the agent's premain installs the hooks before JNI_CreateJavaVM returns.
 */
#define _GNU_SOURCE
#include "hami.h"

#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define BOOT_STACK_BYTES (8u << 20)
#define DEFAULT_TIMEOUT_MS 30000L

static atomic_int state = HAMI_BOOT_IDLE;
static pthread_once_t boot_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t boot_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t boot_done = PTHREAD_COND_INITIALIZER;
static char message[512] = "the JVM did not start";
static char dist[PATH_MAX];

static atomic_int agent_ok = -1;
static JavaVM *booted_vm;
/* 1: the JVM is the host's own (java -javaagent:<dist>/lib/hami-ffm.jar under the preload); its agent's report ends
 * the boot, and no JVM is ever created here */
static atomic_int hosted;
/* AOT training (-XX:AOTCacheOutput or AOTMode=record in HAMI_JVM_OPTIONS): the JVM writes what it learned only when
 * it is destroyed, which a host's exit() never does, so the atexit handler destroys it. Never in production. */
static int destroy_at_exit;

static void finish(int result);

static int report(int ok, const char *text) {
    if (!ok && text != NULL) {
        snprintf(message, sizeof message, "%s", text);
    }
    atomic_store(&agent_ok, ok != 0);
    if (atomic_load(&hosted)) {
        if (!ok) {
            hami_log("%s", message);
        }
        finish(ok ? HAMI_BOOT_READY : HAMI_BOOT_FAILED); /* the host's JVM exits normally: no C exit handler */
    }
    return 0;
}

/* out-pointer, not a returned pointer: a call of the hooks' shared shape (io.hami.hooks.Downcalls) */
static int real_symbol(const char *name, void **found) {
    *found = hami_real(name);
    return 0;
}

static struct hami_bridge bridge = {
    .magic = HAMI_BRIDGE_MAGIC,
    .version = HAMI_BRIDGE_VERSION,
    .real_symbol = real_symbol,
    .install = hami_install,
    .report = report,
    .dist = dist,
};

const char *hami_boot_message(void) {
    return message;
}

/* HAMi's CUDA_DISABLE_CONTROL, read as its device plugin reads it (Go's strconv.ParseBool): a true value turns off
   every control. Any other value (false, 0, unparsable) leaves control on, as there. */
static int hami_control_disabled(void) {
    static const char *const truths[] = {"1", "t", "T", "TRUE", "true", "True"};
    const char *value = getenv("CUDA_DISABLE_CONTROL");
    for (size_t i = 0; value != NULL && i < sizeof truths / sizeof truths[0]; i++) {
        if (strcmp(value, truths[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* 0: no limit asked for (pure pass-through, never a JVM); 1: limits set; 2: HAMI_HOOK_ALL, every export upcalls. */
int hami_limited(void) {
    static atomic_int limited = -1;
    int value = atomic_load_explicit(&limited, memory_order_relaxed);
    if (value >= 0) {
        return value;
    }
    value = 0;
    if (hami_control_disabled()) {
        atomic_store_explicit(&limited, 0, memory_order_relaxed);
        return 0; /* HAMi's CUDA_DISABLE_CONTROL: no limit, no tracking, no JVM; hami-run set cannot reach it */
    }
    /* memory limits, SM shares, bandwidth limits (each also per device, _<i>), a priority */
    static const char *const asks[] = {"CUDA_DEVICE_MEMORY_LIMIT", "CUDA_DEVICE_SM_LIMIT", "CUDA_DEVICE_BANDWIDTH_LIMIT",
                                       "CUDA_TASK_PRIORITY"};
    for (char **env = environ; env != NULL && *env != NULL; env++) {
        for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
            size_t n = strlen(asks[i]);
            if (strncmp(*env, asks[i], n) == 0 && ((*env)[n] == '=' || (*env)[n] == '_')) {
                const char *eq = strchr(*env, '=');
                /* any value but "" (and "0" for the limits: none) needs Java: it alone parses, and refuses what it
                   cannot parse; a priority of 0 is HAMi's "high" */
                if (eq != NULL && eq[1] != '\0' && (strcmp(eq + 1, "0") != 0 || i == 3)) {
                    value = 1;
                }
            }
        }
    }
    const char *tenant = getenv("HAMI_TENANT");
    if (tenant != NULL && tenant[0] != '\0') {
        value = 1; /* launched by hami-run: always tracked, so that 'hami-run set' can give it a limit later */
    }
    const char *all = getenv("HAMI_HOOK_ALL");
    if (all != NULL && strcmp(all, "1") == 0) {
        value = 2;
    }
    atomic_store_explicit(&limited, value, memory_order_relaxed);
    return value;
}

/*
 * The limit the launch gave device `device` in the environment (HAMi's names): 1 with *bytes set, 0 for no limit,
 * -1 when only Java can read it (a fraction, an unknown suffix: it then reports the error itself). hami-run writes
 * plain bytes; this reads HAMi's binary k/m/g/t suffixes too, so an environment-mode pod never waits here either.
 */
int hami_launch_limit(int device, uint64_t *bytes) {
    char name[48];
    snprintf(name, sizeof name, "CUDA_DEVICE_MEMORY_LIMIT_%d", device);
    const char *text = getenv(name);
    if (text == NULL || text[0] == '\0') {
        text = getenv("CUDA_DEVICE_MEMORY_LIMIT");
    }
    if (text == NULL || text[0] == '\0') {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (end == text || errno != 0 || text[0] == '-') {
        return -1;
    }
    int shift = 0;
    switch (*end == '\0' ? 0 : (*end | 0x20)) {
    case 0: break;
    case 'k': shift = 10; end++; break;
    case 'm': shift = 20; end++; break;
    case 'g': shift = 30; end++; break;
    case 't': shift = 40; end++; break;
    default: return -1;
    }
    if ((*end | 0x20) == 'i') {
        end++;
    }
    if ((*end | 0x20) == 'b') {
        end++;
    }
    if (*end != '\0' || (shift > 0 && value > (~0ULL >> shift))) {
        return -1;
    }
    *bytes = value << shift;
    return *bytes != 0;
}

static void finish(int result) {
    pthread_mutex_lock(&boot_mutex);
    atomic_store(&state, result);
    pthread_cond_broadcast(&boot_done);
    pthread_mutex_unlock(&boot_mutex);
}

static int fail(const char *fmt, const char *arg) {
    snprintf(message, sizeof message, fmt, arg);
    return HAMI_BOOT_FAILED;
}

static int find_jvm(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    return info->dlpi_name != NULL && strstr(info->dlpi_name, "libjvm.so") != NULL;
}

static int add_option(JavaVMOption *options, int count, const char *fmt, const char *arg) {
    char *text = NULL;
    if (asprintf(&text, fmt, arg) < 0) {
        return count;
    }
    options[count].optionString = text;
    options[count].extraInfo = NULL;
    return count + 1;
}

static long timeout_ms(void) {
    const char *text = getenv("HAMI_BOOT_TIMEOUT_MS");
    long value = text == NULL ? 0 : strtol(text, NULL, 10);
    return value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

/*
 * Waits at most ms for a running boot to end, or, with hook, for that hook to be installed (the agent installs the
 * hooks one by one before its verdict: a call that needs a decision goes on once its own hook is in, docs/startup.md);
 * returns the state then (still RUNNING after the time, or when the hook came first).
 */
static int await_boot(long ms, _Atomic(void *) *hook) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    int current;
    pthread_mutex_lock(&boot_mutex);
    while ((current = atomic_load(&state)) == HAMI_BOOT_RUNNING
           && (hook == NULL || atomic_load_explicit(hook, memory_order_acquire) == NULL)) {
        if (pthread_cond_timedwait(&boot_done, &boot_mutex, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&boot_mutex);
    return current;
}

static long long monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* CLOCK_MONOTONIC, as Java's System.nanoTime: the agent logs its steps against it (-Dhami.bootStarted) */
static long long boot_started_ns;

static void at_exit(void);
static pthread_t boot_thread; /* set by the boot thread before it registers at_exit */
static int exiting;           /* the boot thread saw exit() begin: fail quietly */

/* The embedded JVM's fixed options, after the four that name the agent, class path, bridge and dist. Exported:
   'hami-run doctor' checks that lib/hami.aot is accepted with exactly these (docs/cli.md). */
static const char *const jvm_options[] = {
    "--enable-native-access=ALL-UNNAMED",
    "-Xrs",                         /* the host owns SIGINT, SIGTERM, SIGHUP, SIGQUIT */
    "-XX:-UsePerfData",             /* no /tmp/hsperfdata files */
    "-XX:+DisableAttachMechanism",  /* no attach listener, no socket files */
    "-XX:+DisplayVMOutputToStderr", /* nothing on the host's stdout, ever */
    "-Xlog:disable",
    "-Xlog:all=warning:stderr",
    "-XX:+UseSerialGC",
    "-Xms8m", /* 2 young collections during the boot; less costs more of them */
    "-Xmx64m",
    /* the boot's code runs once: compiling it only competes with the boot; the hooks, though, must reach compiled
       code within their first few hundred calls, not thousands (docs/startup.md) */
    "-XX:CompileThresholdScaling=10",
    "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=CompileThresholdScaling,io.hami.*::*,0.1",
    /* the launch path's rarer branches (timings, ~30 a second) would stay interpreted for ~10 s at 0.1
       (docs/compute.md); none of these runs during a boot */
    "-XX:CompileCommand=CompileThresholdScaling,io.hami.sched.LaunchGate::*,0.01",
    "-XX:CompileCommand=CompileThresholdScaling,io.hami.sched.KernelCosts::*,0.01",
    "-XX:CompileCommand=CompileThresholdScaling,io.hami.hooks.LaunchHooks::*,0.01",
    "-XX:CompileCommand=CompileThresholdScaling,io.hami.hooks.GraphLaunchHooks::*,0.01",
    "-XX:CompileCommand=CompileThresholdScaling,io.hami.hooks.EventTimer::*,0.01",
    "-XX:CICompilerCount=2", /* not one compiler thread (and arena) per 1.5 cores */
    /* -javaagent calls premain through reflection, whose method-handle accessor spins 6 classes for that one call */
    "-Djdk.reflect.useNativeAccessorOnly=true",
    "-XX:ErrorFile=/tmp/hami-ffm-hs_err_pid%p.log",
};

__attribute__((visibility("default"))) const char *hami_jvm_option(int index) {
    return index >= 0 && index < (int)(sizeof jvm_options / sizeof jvm_options[0]) ? jvm_options[index] : NULL;
}

static int create_jvm(void) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/runtime/lib/server/libjvm.so", dist);
    if (access(path, R_OK) != 0) {
        return fail("the bundled Java runtime is missing (%s): reinstall the hami-ffm distribution", path);
    }
    char agent[PATH_MAX + 64];
    snprintf(agent, sizeof agent, "%s/lib/hami-ffm.jar", dist);
    if (access(agent, R_OK) != 0) {
        /* a JVM that cannot load its agent exits the process: never let it try */
        return fail("the agent jar is missing (%s): reinstall the hami-ffm distribution", agent);
    }
    void *jvm = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (jvm == NULL) {
        return fail("cannot load the bundled Java runtime: %s", dlerror());
    }
    /* registered after libjvm's own exit-time destructors, so it runs before them: an exit() during the boot waits
       for the boot instead of tearing libjvm down under the thread that is creating the JVM (a SIGSEGV) */
    if (atexit(at_exit) != 0) {
        exiting = 1; /* glibc refuses atexit once exit() has begun: the process is going, so is the boot */
        snprintf(message, sizeof message, "%s", "the process exited during the boot");
        return HAMI_BOOT_FAILED;
    }
    typedef jint (*create_fn)(JavaVM **, void **, void *);
    create_fn create = (create_fn)hami_real_dlsym(jvm, "JNI_CreateJavaVM");
    if (create == NULL) {
        return fail("the bundled runtime has no JNI_CreateJavaVM: %s", path);
    }

    char bridge_address[32];
    snprintf(bridge_address, sizeof bridge_address, "%p", (void *)&bridge);
    JavaVMOption options[48];
    int n = 0;
    n = add_option(options, n, "-javaagent:%s", agent);
    /* the agent jar (and, by its manifest, hami-bindings.jar) on the class path from the start, not appended by
       -javaagent: only then can the AOT cache hold its classes, loaded, verified and linked (docs/startup.md) */
    n = add_option(options, n, "-Djava.class.path=%s", agent);
    n = add_option(options, n, "-Dhami.bridge=%s", bridge_address);
    n = add_option(options, n, "-Dhami.dist=%s", dist);
    char started[32];
    snprintf(started, sizeof started, "%lld", boot_started_ns);
    n = add_option(options, n, "-Dhami.bootStarted=%s", started);
    for (int i = 0; hami_jvm_option(i) != NULL; i++) {
        n = add_option(options, n, "%s", hami_jvm_option(i));
    }
    char *extra = getenv("HAMI_JVM_OPTIONS"); /* for diagnosis and training: space-separated, appended last */
    destroy_at_exit = extra != NULL && (strstr(extra, "-XX:AOTCacheOutput=") != NULL
                                        || strstr(extra, "-XX:AOTMode=record") != NULL);
    /* the AOT cache trained at build time on this runtime with exactly these options (docs/startup.md), unless the
       options name a cache or a training of their own */
    char cache[PATH_MAX + 64];
    snprintf(cache, sizeof cache, "%s/lib/hami.aot", dist);
    if ((extra == NULL || strstr(extra, "-XX:AOTCache") == NULL) && !destroy_at_exit && access(cache, R_OK) == 0) {
        n = add_option(options, n, "-XX:AOTCache=%s", cache);
    }
    char *copy = extra == NULL ? NULL : strdup(extra);
    for (char *save = NULL, *tok = copy == NULL ? NULL : strtok_r(copy, " ", &save); tok != NULL && n < 48;
         tok = strtok_r(NULL, " ", &save)) {
        n = add_option(options, n, "%s", tok);
    }

    JavaVMInitArgs args = {.version = JNI_VERSION_21, .nOptions = n, .options = options, .ignoreUnrecognized = JNI_FALSE};
    JavaVM *vm = NULL;
    void *env = NULL;
    jint created = create(&vm, &env, &args);
    for (int i = 0; i < n; i++) {
        free(options[i].optionString);
    }
    free(copy);
    if (created != JNI_OK) {
        snprintf(message, sizeof message, "JNI_CreateJavaVM failed (%d)", (int)created);
        return HAMI_BOOT_FAILED;
    }
    (*vm)->DetachCurrentThread(vm);
    booted_vm = vm;
    if (atomic_load(&agent_ok) != 1) {
        if (atomic_load(&agent_ok) < 0) {
            snprintf(message, sizeof message, "the agent did not report (is %s the hami-ffm agent?)", agent);
        }
        return HAMI_BOOT_FAILED;
    }
    return HAMI_BOOT_READY;
}

/* exit(): Java's exit hook (it releases the process slot; shutdown hooks never run in an embedded JVM). */
static void at_exit(void) {
    if (pthread_equal(pthread_self(), boot_thread)) {
        return; /* the JVM exits the process from inside its own creation: nothing to wait for */
    }
    if (await_boot(timeout_ms(), NULL) != HAMI_BOOT_READY) {
        return; /* failed, timed out, or a forked child (it inherits this handler, not the JVM) */
    }
    hami_run_exit_hook();
    if (destroy_at_exit && booted_vm != NULL) {
        (*booted_vm)->DestroyJavaVM(booted_vm);
    }
}

static void *boot_main(void *unused) {
    (void)unused;
    boot_thread = pthread_self();
    int result = create_jvm();
    if (result != HAMI_BOOT_READY && !exiting) {
        hami_log_at(HAMI_LOG_ERROR, "%s", message);
    } else if (result == HAMI_BOOT_READY) {
        hami_log_at(HAMI_LOG_INFO, "the JVM booted in %.1f ms", (monotonic_ns() - boot_started_ns) / 1e6);
    }
    finish(result);
    return NULL;
}

static int locate_dist(void) {
    Dl_info self;
    char resolved[PATH_MAX];
    if (!dladdr((void *)hami_boot_wait, &self) || self.dli_fname == NULL || realpath(self.dli_fname, resolved) == NULL) {
        return -1;
    }
    for (int up = 0; up < 2; up++) { /* <dist>/lib/libhami.so -> <dist> */
        char *slash = strrchr(resolved, '/');
        if (slash == NULL) {
            return -1;
        }
        *slash = '\0';
    }
    snprintf(dist, sizeof dist, "%s", resolved);
    return 0;
}

static void start_boot(void) {
    boot_started_ns = monotonic_ns();
    atomic_store(&state, HAMI_BOOT_RUNNING);
    if (locate_dist() != 0) {
        finish(fail("cannot find the hami-ffm distribution around libhami.so%s", ""));
        return;
    }
    if (dl_iterate_phdr(find_jvm, NULL)) {
        /* a second JNI_CreateJavaVM in one process fails: the JVM already here must run the agent itself */
        finish(fail("this process is a JVM started without the hami-ffm agent: start java with "
                    "-javaagent:%s/lib/hami-ffm.jar (docs/trampoline.md)", dist));
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, BOOT_STACK_BYTES);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* JVM threads inherit this mask: host signals stay with host threads */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pthread_t thread;
    int err = pthread_create(&thread, &attr, boot_main, NULL);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        finish(fail("cannot start the boot thread: %s", strerror(err)));
    }
}

/* Boot in a JVM that was there first: the agent's premain asked for the bridge, no JVM is created. */
static void start_hosted(void) {
    atomic_store(&hosted, 1);
    atomic_store(&state, HAMI_BOOT_RUNNING);
    if (locate_dist() != 0) {
        finish(fail("cannot find the hami-ffm distribution around libhami.so%s", ""));
    }
}

/*
 * The one entry of libhami.so for the agent of a JVM started by the host (java -javaagent:<dist>/lib/hami-ffm.jar,
 * with libhami.so preloaded): HotSpot holds one JVM per process, so that JVM's agent does the boot's work, and finds
 * the bridge here (SymbolLookup.libraryLookup on the loaded library) instead of in -Dhami.bridge. NULL when nothing is
 * to be installed: no limit set (every export passes through), or the boot was decided before the agent came (a
 * CUDA call came first, a forked child).
 */
__attribute__((visibility("default"))) const struct hami_bridge *hami_agent_bridge(void) {
    if (!hami_limited() || atomic_load(&state) != HAMI_BOOT_IDLE) {
        return NULL;
    }
    pthread_once(&boot_once, start_hosted);
    return atomic_load(&hosted) && atomic_load(&state) == HAMI_BOOT_RUNNING ? &bridge : NULL;
}

int hami_boot_wait_for(_Atomic(void *) *hook) {
    int current = atomic_load(&state);
    if (current == HAMI_BOOT_READY || current == HAMI_BOOT_FAILED || current == HAMI_BOOT_FORKED) {
        return current;
    }
    pthread_once(&boot_once, start_boot);
    long ms = timeout_ms();
    long long waiting_since = monotonic_ns();
    current = await_boot(ms, hook);
    static atomic_int waited;
    if (!atomic_exchange(&waited, 1)) { /* the first wait only: what the boot cost the program */
        hami_log_at(HAMI_LOG_DEBUG, "the first call that needs a decision waited %.1f ms for the boot (started %.1f ms "
                    "before it)", (monotonic_ns() - waiting_since) / 1e6, (waiting_since - boot_started_ns) / 1e6);
    }
    if (current == HAMI_BOOT_RUNNING) {
        if (hook != NULL && atomic_load_explicit(hook, memory_order_acquire) != NULL) {
            return HAMI_BOOT_READY; /* this call's hook is in: it may go on while the agent installs the rest */
        }
        static atomic_int reported;
        if (!atomic_exchange(&reported, 1)) {
            hami_log("the JVM did not start within %ld ms (HAMI_BOOT_TIMEOUT_MS)", ms);
        }
        return HAMI_BOOT_FAILED; /* this call fails; a later one sees the boot once it completes */
    }
    return current;
}

int hami_boot_wait(void) {
    return hami_boot_wait_for(NULL);
}

/* A hook was installed: calls waiting for it may go on. */
void hami_boot_hook_installed(void) {
    if (atomic_load(&state) == HAMI_BOOT_RUNNING) {
        pthread_mutex_lock(&boot_mutex);
        pthread_cond_broadcast(&boot_done);
        pthread_mutex_unlock(&boot_mutex);
    }
}

/* Context creation under a limit: start the boot in the background, never wait for it. */
void hami_boot_kick(void) {
    if (atomic_load_explicit(&state, memory_order_relaxed) == HAMI_BOOT_IDLE && hami_limited()) {
        pthread_once(&boot_once, start_boot);
    }
}

/* A child of a booted or booting parent has the hook table but none of the JVM's threads: no upcall may run. */
static void after_fork_in_child(void) {
    int current = atomic_load(&state);
    if (current == HAMI_BOOT_RUNNING || current == HAMI_BOOT_READY) {
        hami_clear_hooks();
        snprintf(message, sizeof message, "%s",
                 "this process was forked from one whose JVM was running; CUDA needs exec after fork");
        pthread_mutex_t fresh_mutex = PTHREAD_MUTEX_INITIALIZER;
        pthread_cond_t fresh_cond = PTHREAD_COND_INITIALIZER;
        boot_mutex = fresh_mutex;
        boot_done = fresh_cond;
        atomic_store(&state, HAMI_BOOT_FORKED);
    }
}

__attribute__((constructor)) static void hami_init(void) {
    pthread_atfork(NULL, NULL, after_fork_in_child);
}
