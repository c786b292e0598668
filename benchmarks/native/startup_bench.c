/*
 * Runs commands interleaved, many times, and prints one JSON object with the medians (docs/startup.md).
 *
 *   startup_bench [--reps N] [--concurrent K] [--label TEXT] [--timeout-s S] -v NAME 'K=V … cmd arg …' [-v …]
 *
 * Each variant is a whitespace-separated string ('…' or "…" quote a word with spaces): leading K=V words are put into the command's environment (an
 * empty value unsets the variable), the rest is the command, run by execvp without a shell (so exec-time
 * comparisons such as /bin/true with and without LD_PRELOAD measure one execve each). In every repetition each
 * variant runs once, in an order rotated per repetition, so drift (caches, frequency, neighbours) hits all alike.
 * With --concurrent K each run starts K copies of the command at once and waits for all of them.
 *
 * The child gets STARTUP_T0_NS (CLOCK_MONOTONIC, taken just before execve). Every stdout line of the form
 * key=<integer> is collected per key; any other stdout line is counted as foreign (the product must never write to
 * the host's stdout: a probe prints only key=value lines). Per variant the JSON gives: runs, failures (non-zero
 * exit, signal, timeout), wall_ns (fork to reap, per process) and, per key, median/min/max/p10/p90/n, the first
 * failure's stderr tail, foreign_stdout_lines and the first of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_VARIANTS 8
#define MAX_KEYS 48
#define MAX_WORDS 128
#define MAX_CONCURRENT 64

struct series {
    char name[64];
    long long *v;
    int n, cap;
};

struct variant {
    const char *name;
    char *env[MAX_WORDS];
    int nenv;
    char *argv[MAX_WORDS];
    struct series wall;
    struct series keys[MAX_KEYS];
    int nkeys;
    int runs, failures, foreign;
    char failure_tail[512];
    char foreign_first[160];
};

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void add(struct series *s, long long value) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
        if (s->v == NULL) {
            perror("realloc");
            exit(2);
        }
    }
    s->v[s->n++] = value;
}

static struct series *key_series(struct variant *v, const char *key, size_t len) {
    for (int i = 0; i < v->nkeys; i++) {
        if (strlen(v->keys[i].name) == len && strncmp(v->keys[i].name, key, len) == 0) {
            return &v->keys[i];
        }
    }
    if (v->nkeys == MAX_KEYS || len >= sizeof v->keys[0].name) {
        return NULL;
    }
    struct series *s = &v->keys[v->nkeys++];
    memcpy(s->name, key, len);
    s->name[len] = '\0';
    return s;
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void json_string(const char *text) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            printf("\\%c", *p);
        } else if (*p < 0x20) {
            printf("\\u%04x", *p);
        } else {
            putchar(*p);
        }
    }
    putchar('"');
}

static void json_series(const struct series *s) {
    if (s->n == 0) {
        printf("{\"n\": 0}");
        return;
    }
    long long *v = malloc((size_t)s->n * sizeof *v);
    memcpy(v, s->v, (size_t)s->n * sizeof *v);
    qsort(v, (size_t)s->n, sizeof *v, cmp);
    double median = s->n % 2 ? (double)v[s->n / 2] : ((double)v[s->n / 2 - 1] + (double)v[s->n / 2]) / 2;
    printf("{\"n\": %d, \"median\": %.1f, \"min\": %lld, \"p10\": %lld, \"p90\": %lld, \"max\": %lld}", s->n, median,
           v[0], v[(s->n - 1) / 10], v[(s->n - 1) * 9 / 10], v[s->n - 1]);
    free(v);
}

static double median_of(const struct series *s) {
    if (s->n == 0) {
        return 0;
    }
    long long *v = malloc((size_t)s->n * sizeof *v);
    memcpy(v, s->v, (size_t)s->n * sizeof *v);
    qsort(v, (size_t)s->n, sizeof *v, cmp);
    double m = s->n % 2 ? (double)v[s->n / 2] : ((double)v[s->n / 2 - 1] + (double)v[s->n / 2]) / 2;
    free(v);
    return m;
}

/* The next word of *cursor: whitespace separates words, '…' and "…" quote (no escapes); NULL at the end. */
static char *next_word(char **cursor) {
    char *in = *cursor, *out;
    while (*in == ' ' || *in == '\t' || *in == '\n') {
        in++;
    }
    if (*in == '\0') {
        return NULL;
    }
    char *word = out = in;
    char quote = 0;
    for (; *in != '\0' && (quote || (*in != ' ' && *in != '\t' && *in != '\n')); in++) {
        if (quote ? *in == quote : (*in == '\'' || *in == '"')) {
            quote = quote ? 0 : *in;
        } else {
            *out++ = *in;
        }
    }
    *cursor = *in ? in + 1 : in;
    *out = '\0';
    return word;
}

static void parse_variant(struct variant *v, const char *name, const char *spec) {
    v->name = name;
    char *copy = strdup(spec), *cursor = copy;
    int argc = 0;
    for (char *w = next_word(&cursor); w != NULL; w = next_word(&cursor)) {
        if (argc == 0 && strchr(w, '=') != NULL && w[0] != '=' && w[0] != '/' && w[0] != '.') {
            if (v->nenv < MAX_WORDS - 1) {
                v->env[v->nenv++] = w;
            }
        } else if (argc < MAX_WORDS - 1) {
            v->argv[argc++] = w;
        }
    }
    v->argv[argc] = NULL;
    if (argc == 0) {
        fprintf(stderr, "startup_bench: variant %s has no command\n", name);
        exit(2);
    }
}

struct child {
    pid_t pid;
    int out, err;
    long long start;
    int status, done;
};

static int memfd(const char *name) {
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        perror("memfd_create");
        exit(2);
    }
    return fd;
}

static void start(struct variant *v, struct child *c) {
    c->out = memfd("out");
    c->err = memfd("err");
    c->done = 0;
    c->start = now_ns();
    c->pid = fork();
    if (c->pid < 0) {
        perror("fork");
        exit(2);
    }
    if (c->pid == 0) {
        dup2(c->out, STDOUT_FILENO);
        dup2(c->err, STDERR_FILENO);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
        }
        for (int i = 0; i < v->nenv; i++) {
            char *eq = strchr(v->env[i], '=');
            *eq = '\0';
            if (eq[1] == '\0') {
                unsetenv(v->env[i]);
            } else {
                setenv(v->env[i], eq + 1, 1);
            }
        }
        char t0[32];
        snprintf(t0, sizeof t0, "%lld", now_ns());
        setenv("STARTUP_T0_NS", t0, 1);
        execvp(v->argv[0], v->argv);
        fprintf(stderr, "exec %s: %s\n", v->argv[0], strerror(errno));
        _exit(127);
    }
}

static char *slurp(int fd, size_t *len) {
    off_t size = lseek(fd, 0, SEEK_END);
    char *buf = malloc((size_t)size + 1);
    *len = size > 0 ? (size_t)pread(fd, buf, (size_t)size, 0) : 0;
    if ((ssize_t)*len < 0) {
        *len = 0;
    }
    buf[*len] = '\0';
    close(fd);
    return buf;
}

static void collect(struct variant *v, struct child *c, long long wall, int timed_out) {
    size_t len;
    char *out = slurp(c->out, &len);
    char *err = slurp(c->err, &len);
    v->runs++;
    int failed = timed_out || !WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0;
    if (!failed) {
        add(&v->wall, wall);
    }
    for (char *line = out, *next; line != NULL && *line; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        char *eq = strchr(line, '=');
        int plain_key = eq != NULL && eq != line;
        for (char *k = line; plain_key && k < eq; k++) {
            if (!(*k == '_' || *k == '.' || *k == '-' || (*k >= '0' && *k <= '9') || (*k >= 'a' && *k <= 'z')
                  || (*k >= 'A' && *k <= 'Z'))) {
                plain_key = 0;
            }
        }
        if (!plain_key) {
            if (*line != '\0' && v->foreign++ == 0) {
                snprintf(v->foreign_first, sizeof v->foreign_first, "%s", line);
            }
            continue;
        }
        char *end;
        errno = 0;
        long long value = strtoll(eq + 1, &end, 10);
        if (!failed && errno == 0 && end != eq + 1 && *end == '\0') {
            struct series *s = key_series(v, line, (size_t)(eq - line));
            if (s != NULL) {
                add(s, value);
            }
        }
    }
    if (failed && v->failures++ == 0) {
        size_t n = strlen(err);
        const char *tail = n > 400 ? err + n - 400 : err;
        snprintf(v->failure_tail, sizeof v->failure_tail, "%s%s (status 0x%x)", timed_out ? "timed out; " : "",
                 tail, c->status);
    }
    free(out);
    free(err);
}

static void run_once(struct variant *v, int concurrent, long timeout_s) {
    struct child c[MAX_CONCURRENT];
    for (int i = 0; i < concurrent; i++) {
        start(v, &c[i]);
    }
    long long deadline = now_ns() + timeout_s * 1000000000LL;
    int left = concurrent, timed_out = 0;
    while (left > 0) {
        for (int i = 0; i < concurrent; i++) {
            if (!c[i].done && waitpid(c[i].pid, &c[i].status, WNOHANG) == c[i].pid) {
                c[i].done = 1;
                left--;
                collect(v, &c[i], now_ns() - c[i].start, 0);
            }
        }
        if (left > 0) {
            if (now_ns() > deadline) {
                timed_out = 1;
                break;
            }
            struct timespec pause = {0, 20000}; /* 20 µs: exec-time runs of ~1 ms are not distorted much */
            nanosleep(&pause, NULL);
        }
    }
    if (timed_out) {
        for (int i = 0; i < concurrent; i++) {
            if (!c[i].done) {
                kill(c[i].pid, SIGKILL);
                waitpid(c[i].pid, &c[i].status, 0);
                collect(v, &c[i], now_ns() - c[i].start, 1);
            }
        }
    }
}

int main(int argc, char **argv) {
    static struct variant variants[MAX_VARIANTS];
    int nv = 0, reps = 5, concurrent = 1;
    long timeout_s = 120;
    const char *label = "";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--concurrent") && i + 1 < argc) {
            concurrent = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--label") && i + 1 < argc) {
            label = argv[++i];
        } else if (!strcmp(argv[i], "--timeout-s") && i + 1 < argc) {
            timeout_s = atol(argv[++i]);
        } else if (!strcmp(argv[i], "-v") && i + 2 < argc && nv < MAX_VARIANTS) {
            parse_variant(&variants[nv], argv[i + 1], argv[i + 2]);
            nv++;
            i += 2;
        } else {
            fprintf(stderr, "usage: %s [--reps N] [--concurrent K] [--label TEXT] [--timeout-s S] "
                            "-v NAME 'K=V … cmd arg …' [-v …]\n", argv[0]);
            return 2;
        }
    }
    if (nv == 0 || reps < 1 || concurrent < 1 || concurrent > MAX_CONCURRENT) {
        fprintf(stderr, "startup_bench: need at least one -v, --reps >= 1, 1 <= --concurrent <= %d\n",
                MAX_CONCURRENT);
        return 2;
    }
    for (int r = 0; r < reps; r++) {
        for (int k = 0; k < nv; k++) {
            run_once(&variants[(r + k) % nv], concurrent, timeout_s);
        }
    }

    printf("{\"label\": ");
    json_string(label);
    printf(", \"reps\": %d, \"concurrent\": %d, \"variants\": {", reps, concurrent);
    for (int k = 0; k < nv; k++) {
        struct variant *v = &variants[k];
        printf("%s\n  ", k ? "," : "");
        json_string(v->name);
        printf(": {\"command\": ");
        char command[2048] = "";
        for (int i = 0; i < v->nenv; i++) {
            strncat(command, v->env[i], sizeof command - strlen(command) - 2);
            strncat(command, " ", sizeof command - strlen(command) - 1);
        }
        for (int i = 0; v->argv[i] != NULL; i++) {
            strncat(command, v->argv[i], sizeof command - strlen(command) - 2);
            strncat(command, v->argv[i + 1] ? " " : "", sizeof command - strlen(command) - 1);
        }
        json_string(command);
        printf(", \"runs\": %d, \"failures\": %d, \"foreign_stdout_lines\": %d", v->runs, v->failures, v->foreign);
        if (v->foreign) {
            printf(", \"foreign_first\": ");
            json_string(v->foreign_first);
        }
        if (v->failures) {
            printf(", \"failure\": ");
            json_string(v->failure_tail);
        }
        printf(",\n    \"wall_ns\": ");
        json_series(&v->wall);
        for (int i = 0; i < v->nkeys; i++) {
            printf(",\n    ");
            json_string(v->keys[i].name);
            printf(": ");
            json_series(&v->keys[i]);
        }
        printf("}");
    }
    printf("},\n \"delta_median_vs_first\": {");
    for (int k = 1; k < nv; k++) {
        printf("%s\n  ", k > 1 ? "," : "");
        json_string(variants[k].name);
        printf(": {\"wall_ns\": %.1f", median_of(&variants[k].wall) - median_of(&variants[0].wall));
        for (int i = 0; i < variants[k].nkeys; i++) {
            struct series *base = key_series(&variants[0], variants[k].keys[i].name, strlen(variants[k].keys[i].name));
            if (base != NULL && base->n > 0) {
                printf(", ");
                json_string(variants[k].keys[i].name);
                printf(": %.1f", median_of(&variants[k].keys[i]) - median_of(base));
            }
        }
        printf("}");
    }
    printf("}}\n");
    return 0;
}
