#!/usr/bin/env bash
# test-gpu/startup.sh - what the JVM inside a CUDA process costs on the GPU machine (issue 9, docs/startup.md).
#
#   bash test-gpu/startup.sh          (from anywhere; needs launcher/target/hami carried along, gcc, python3+torch)
#
# Measures, native next to hami-ffm, interleaved (each repetition runs every configuration once, order rotated):
#   c        first call of a C driver-API program (main() -> return of the first cuMemAlloc after cuInit and
#            cuDevicePrimaryCtxRetain): native, hami-run --memory 8g, LD_PRELOAD + CUDA_DEVICE_MEMORY_LIMIT=8g
#   torch    PyTorch's first CUDA tensor (import torch excluded and reported apart), same three configurations
#   aot      one C run and one PyTorch run with HAMI_JVM_OPTIONS=-XX:AOTMode=on: a rejected AOT cache fails loudly
#   questions  torch.cuda.is_available() and a cuInit-only C program under a limit: no JVM, no extra thread
#   pss      RSS/PSS (/proc/self/smaps_rollup) of booted processes, 1 and 8 at once (8 hami-run tenants)
#   true     /bin/true x1000, native vs under the preload with a limit set (the pod case: /etc/ld.so.preload)
#   size     the distribution's size, part by part
# Writes 8 files to $OUT (default test-gpu/out; the GPU machine returns no more): startup-{c,torch,aot,questions,pss,
# true,summary}.json and startup.log (with the boot traces, "trace>" lines). Exit 0 when every goal is met, 1 when
# one is not (everything is still measured), 2 on a setup error.
#
# Knobs: HAMI_DIST (default launcher/target/hami), HAMI_STARTUP_REPS (default 7), HAMI_STARTUP_BUDGET_S (420: no
#        bench starts later), PYTHON (default python3), CUDA_HOME (default /usr/local/cuda), HAMI_TEST_CUDA_LIB_DIR
#        (where a libcuda.so to link against lives), HAMI_STARTUP_BASELINE (another distribution, e.g. the previous
#        build's: its environment mode runs beside this one's in the C and PyTorch first-call benches, as variant
#        baseline-env, reported in the figures, not judged: a GPU's context creation varies by tens of ms).
#        Expected duration 3-5 minutes.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT_DIR=${OUT:-$ROOT/test-gpu/out}
mkdir -p "$OUT_DIR"
LOG=$OUT_DIR/startup.log
exec > >(tee "$LOG") 2>&1
DIST=$(cd "${HAMI_DIST:-launcher/target/hami}" 2>/dev/null && pwd) || { echo "startup: no distribution" >&2; exit 2; }
REPS=${HAMI_STARTUP_REPS:-7}
BUDGET_S=${HAMI_STARTUP_BUDGET_S:-420} # no bench starts after this; each has its own per-run timeout
PYTHON=${PYTHON:-python3}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
START=$SECONDS
log() { printf '[%s +%4ds] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - START))" "$*"; }

# a clean baseline whatever the caller's environment holds
unset LD_PRELOAD CUDA_DEVICE_MEMORY_SHARED_CACHE HAMI_HOOK_ALL HAMI_JVM_OPTIONS HAMI_TENANT || true
while read -r v; do unset "$v"; done < <(compgen -e | grep '^CUDA_DEVICE_MEMORY_LIMIT' || true)
export PYTHONUNBUFFERED=1
# the interpreter itself, not a shell shim (the preload must land in python only)
if py_real=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) && [[ -x $py_real ]]; then
    PYTHON=$py_real
fi
W=$(mktemp -d /tmp/hami-startup.XXXXXX)
log "dist $DIST, reps $REPS, python $PYTHON, work $W"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
log "cpus $(nproc), $(uname -r)"

# ------------------------------------------------------------------ build
link_dir=${HAMI_TEST_CUDA_LIB_DIR:-}
if [[ -z $link_dir ]]; then
    for d in "$CUDA_HOME/lib64/stubs" "$CUDA_HOME/targets/x86_64-linux/lib/stubs" /usr/lib/x86_64-linux-gnu /usr/lib64; do
        [[ -e $d/libcuda.so ]] && { link_dir=$d; break; }
    done
fi
if [[ -z $link_dir ]]; then
    f=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{ print $NF; exit }')
    mkdir -p "$W/culink" && ln -sf "$f" "$W/culink/libcuda.so" && link_dir=$W/culink
fi
gcc -O2 -o "$W/startup_bench" benchmarks/native/startup_bench.c || exit 2
gcc -O2 -I"$CUDA_HOME/include" -o "$W/startup_probe" benchmarks/native/startup_probe.c -L"$link_dir" -lcuda || exit 2
cat >"$W/torch_first.py" <<'PY'
# PyTorch's first CUDA tensor. stdout: key=integer lines only (startup_bench collects them).
import os, sys, time
t_main = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
mode = sys.argv[1] if len(sys.argv) > 1 else "tensor"
settle = float(sys.argv[2]) if len(sys.argv) > 2 else -1
t0 = os.environ.get("STARTUP_T0_NS")
if t0:
    print("exec_to_main_ns=%d" % (t_main - int(t0)))
import torch
t_import = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
print("import_ns=%d" % (t_import - t_main))
def field(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1
def report():
    with open("/proc/self/maps") as f:
        print("jvm_loaded=%d" % any("libjvm.so" in line for line in f))
    print("threads=%d" % field("/proc/self/status", "Threads"))
    for key, name in (("Rss", "rss_kb"), ("Pss", "pss_kb"), ("Pss_Anon", "anon_kb"), ("Pss_File", "file_kb")):
        print("%s=%d" % (name, field("/proc/self/smaps_rollup", key)))
if mode == "available":
    print("available=%d" % torch.cuda.is_available())
    print("devices=%d" % torch.cuda.device_count())
    time.sleep(max(settle, 0.3))
    report()
    sys.exit(0)
x = torch.empty(1 << 20, dtype=torch.uint8, device="cuda")
torch.cuda.synchronize()
t_tensor = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
print("cuda_ns=%d" % (t_tensor - t_import))        # the first-call figure: first tensor after the import
print("first_tensor_ns=%d" % (t_tensor - t_main))  # including import torch
if settle >= 0:
    time.sleep(settle)
    report()
PY

PROBE=$W/startup_probe
TORCH="$PYTHON $W/torch_first.py"
RUN=$DIST/bin/hami-run
LIB=$DIST/lib/libhami.so
ENV8="LD_PRELOAD=$LIB CUDA_DEVICE_MEMORY_LIMIT=8g"
BASE_C=() BASE_T=()
if [[ -n ${HAMI_STARTUP_BASELINE:-} ]]; then
    BASE=$(cd "$HAMI_STARTUP_BASELINE" 2>/dev/null && pwd) && [[ -f $BASE/lib/libhami.so ]] \
        || { log "no lib/libhami.so in HAMI_STARTUP_BASELINE=$HAMI_STARTUP_BASELINE"; exit 2; }
    # its own regions: two builds may disagree on a region's layout
    BASE8="LD_PRELOAD=$BASE/lib/libhami.so CUDA_DEVICE_MEMORY_LIMIT=8g"
    BASE_C=(-v baseline-env "$BASE8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/c-base.region $PROBE")
    BASE_T=(-v baseline-env "$BASE8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/t-base.region $TORCH tensor")
fi
bench() { # bench NAME ARGS...: one JSON line per call in $W/NAME.jsonl, medians in the log
    local name=$1
    shift
    if ((SECONDS - START > BUDGET_S)); then
        log "bench $name: SKIPPED, time budget of $BUDGET_S s spent (HAMI_STARTUP_BUDGET_S)"
        return 0
    fi
    log "bench $name: $*"
    "$W/startup_bench" "$@" >"$W/last.json" || log "bench $name failed (rc $?)"
    "$PYTHON" - "$W/last.json" >>"$W/$name.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(d))
for name, v in d["variants"].items():
    keys = {k: s["median"] for k, s in v.items() if isinstance(s, dict) and "median" in s}
    text = " ".join("%s=%.2fms" % (k[:-3], m / 1e6) if k.endswith("_ns") else "%s=%g" % (k, m) for k, m in keys.items())
    print("  %-16s runs=%d failures=%d foreign_stdout=%d %s%s" % (name, v["runs"], v["failures"],
          v["foreign_stdout_lines"], text, ("\n    failure: " + v["failure"][-300:]) if v.get("failure") else ""),
          file=sys.stderr)
PY
}

# warm the page cache (torch's libraries, the driver, the runtime and the AOT cache): the first run is never measured
log "warm-up: $("$PYTHON" -c 'import torch; print("torch", torch.__version__, torch.version.cuda, torch.cuda.is_available())' 2>&1 | tail -1)"
env LD_PRELOAD="$LIB" CUDA_DEVICE_MEMORY_LIMIT=8g CUDA_DEVICE_MEMORY_SHARED_CACHE="$W/warm.region" "$PROBE" >/dev/null 2>&1 \
    || log "warm-up: the probe under the preload failed (rc $?)"

# ------------------------------------------------------------------ c: first call
bench c --reps "$REPS" --label c-first-call --timeout-s 120 \
    -v native "$PROBE" \
    -v hami-run "$RUN --memory 8g --region $W/c-run.region -- $PROBE" \
    -v env "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/c-env.region $PROBE" "${BASE_C[@]}"
bench c --reps "$REPS" --label c-create-ctx --timeout-s 120 \
    -v native "$PROBE --ctx create" \
    -v env "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/c-env.region $PROBE --ctx create"

# ------------------------------------------------------------------ aot: a rejected cache fails loudly
bench aot --reps 1 --label aot-mode-on --timeout-s 180 \
    -v c "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/aot.region HAMI_JVM_OPTIONS=-XX:AOTMode=on $PROBE" \
    -v torch "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/aot.region HAMI_JVM_OPTIONS=-XX:AOTMode=on $TORCH tensor"
# why, when it was not accepted (stderr only; the figures above say whether)
env LD_PRELOAD="$LIB" CUDA_DEVICE_MEMORY_LIMIT=8g CUDA_DEVICE_MEMORY_SHARED_CACHE="$W/aot.region" \
    HAMI_JVM_OPTIONS="-XX:AOTMode=on -Xlog:aot=info:stderr" "$PROBE" >"$W/aot-log.out" 2>"$W/aot-log.err"
echo "rc=$?" >>"$W/aot-log.out"
grep -iE 'error|warning|mismatch|not the one|Unable|AOTMode|Using AOT|validation' "$W/aot-log.err" | head -20 | sed 's/^/aot> /'

# ------------------------------------------------------------------ torch: first tensor
bench torch --reps "$REPS" --label torch-first-tensor --timeout-s 300 \
    -v native "$TORCH tensor" \
    -v hami-run "$RUN --memory 8g --region $W/t-run.region -- $TORCH tensor" \
    -v env "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/t-env.region $TORCH tensor" "${BASE_T[@]}"

# ------------------------------------------------------------------ trace: where the boot's time goes (debug log)
for i in 1 2 3; do
    for what in "$PROBE" "$TORCH tensor"; do
        env LD_PRELOAD="$LIB" CUDA_DEVICE_MEMORY_LIMIT=8g CUDA_DEVICE_MEMORY_SHARED_CACHE="$W/trace.region" \
            LIBCUDA_LOG_LEVEL=debug HAMI_LOG_FILE="$W/trace.log" $what >>"$W/trace.log" 2>&1
    done
done
# into the log, not a file of its own: the GPU machine returns at most 8 files
sed 's/^/trace> /' "$W/trace.log"

# ------------------------------------------------------------------ questions only: no JVM
bench questions --reps 3 --label questions-only --timeout-s 120 \
    -v native-torch "$TORCH available 0.5" \
    -v env-torch "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/q.region $TORCH available 0.5" \
    -v hami-run-torch "$RUN --memory 8g --region $W/q-run.region -- $TORCH available 0.5" \
    -v native-c "$PROBE --only-init --settle-ms 500" \
    -v env-c "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/q.region $PROBE --only-init --settle-ms 500"

# ------------------------------------------------------------------ pss: 1 and 8 processes (8 tenants)
# a node's region records the context size once (the first process measures it with a throwaway context): the
# steady state is a region that has it; the fresh variant is the first burst of tenants on a new region
for n in 1 8; do
    "$RUN" --memory 8g --region "$W/pss-$n.region" -- "$PROBE" >/dev/null 2>&1 || log "pss warm-up failed (rc $?)"
    bench pss --reps 1 --concurrent "$n" --label "pss-c-$n" --timeout-s 180 \
        -v native "$PROBE --settle-ms 4000" \
        -v hami-run "$RUN --memory 8g --region $W/pss-$n.region -- $PROBE --settle-ms 4000" \
        -v hami-run-fresh "$RUN --memory 8g --region $W/pss-fresh-$n.region -- $PROBE --settle-ms 4000"
done
"$RUN" --memory 8g --region "$W/pss-t.region" -- "$PROBE" >/dev/null 2>&1 || log "pss warm-up failed (rc $?)"
bench pss --reps 1 --concurrent 8 --label pss-torch-8 --timeout-s 240 \
    -v native "$TORCH tensor 8" \
    -v hami-run "$RUN --memory 8g --region $W/pss-t.region -- $TORCH tensor 8"

# ------------------------------------------------------------------ true: a process that never touches CUDA
bench true --reps 1000 --label true-x1000 --timeout-s 30 \
    -v native "/bin/true" \
    -v preload "$ENV8 CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/true.region /bin/true"

# ------------------------------------------------------------------ summary
"$PYTHON" - "$W" "$OUT_DIR" "$DIST" <<'PY'
import json, os, subprocess, sys
work, out, dist = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    try:
        with open(os.path.join(work, name + ".jsonl")) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        return [{"error": repr(e)}]
parts = {n: load(n) for n in ("c", "torch", "aot", "questions", "pss", "true")}
def du(path):
    try:
        return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])
    except Exception:
        return None
size = {p: du(os.path.join(dist, p)) for p in ("", "runtime", "runtime/lib/server/libjvm.so", "runtime/lib/modules",
                                              "lib", "lib/hami.aot", "lib/libhami.so")}
size = {("total" if k == "" else k): v for k, v in size.items()}
try:
    with open(os.path.join(work, "aot-log.err")) as f:
        aot_log = [l.rstrip() for l in f if "aot" in l.lower()][-15:]
except OSError:
    aot_log = []
for n, runs in parts.items():
    with open(os.path.join(out, "startup-%s.json" % n), "w") as f:
        json.dump(runs if n != "aot" else {"runs": runs, "aot_log_tail": aot_log}, f, indent=1)

def med(run, variant, key):
    try:
        return run["variants"][variant][key]["median"]
    except (KeyError, TypeError):
        return None
def by_label(runs, label):
    return next((r for r in runs if r.get("label") == label), {})
def delta(run, variant, key, base="native"):
    a, b = med(run, variant, key), med(run, base, key)
    return None if a is None or b is None else a - b
checks, rows = [], []
def check(name, value, limit, unit, scale):
    ok = value is not None and value <= limit
    checks.append({"check": name, "value": None if value is None else round(value / scale, 2), "limit": limit / scale,
                   "unit": unit, "ok": ok})
c = by_label(parts["c"], "c-first-call")
t = by_label(parts["torch"], "torch-first-tensor")
for cfg in ("hami-run", "env"):
    check("C first call, %s - native" % cfg, delta(c, cfg, "first_call_ns"), 40e6, "ms", 1e6)
    check("PyTorch first tensor (after import), %s - native" % cfg, delta(t, cfg, "cuda_ns"), 40e6, "ms", 1e6)
p8 = by_label(parts["pss"], "pss-c-8")
check("added PSS per C process, 8 tenants", delta(p8, "hami-run", "pss_kb"), 40 * 1024, "MiB", 1024)
tr = by_label(parts["true"], "true-x1000")
check("/bin/true under the preload - native (median of 1000)", delta(tr, "preload", "wall_ns"), 1e6, "ms", 1e6)
aot = by_label(parts["aot"], "aot-mode-on")
for v in ("c", "torch"):
    failures = aot.get("variants", {}).get(v, {}).get("failures")
    checks.append({"check": "AOT cache accepted (-XX:AOTMode=on), %s" % v, "value": failures, "ok": failures == 0})
q = by_label(parts["questions"], "questions-only")
for v in ("env-torch", "hami-run-torch", "env-c"):
    jvm, thr = med(q, v, "jvm_loaded"), delta(q, v, "threads", "native-torch" if "torch" in v else "native-c")
    checks.append({"check": "questions only: no JVM, no thread, %s" % v, "value": [jvm, thr],
                   "ok": jvm == 0 and thr == 0})
foreign = sum(v.get("foreign_stdout_lines", 0) for runs in parts.values() for r in runs
              for v in r.get("variants", {}).values())
checks.append({"check": "nothing of ours on stdout (foreign lines in every run)", "value": foreign, "ok": foreign == 0})
FIRST = ("native", "hami-run", "env", "baseline-env") # baseline-env: only with HAMI_STARTUP_BASELINE
figures = {
    "c_first_call_ms": {v: med(c, v, "first_call_ns") and med(c, v, "first_call_ns") / 1e6 for v in FIRST},
    "c_ctx_ms": {v: med(c, v, "ctx_ns") and med(c, v, "ctx_ns") / 1e6 for v in FIRST},
    "c_exec_to_main_ms": {v: med(c, v, "exec_to_main_ns") and med(c, v, "exec_to_main_ns") / 1e6 for v in ("native", "hami-run", "env")},
    "c_wall_ms": {v: med(c, v, "wall_ns") and med(c, v, "wall_ns") / 1e6 for v in ("native", "hami-run", "env")},
    "torch_cuda_ms": {v: med(t, v, "cuda_ns") and med(t, v, "cuda_ns") / 1e6 for v in FIRST},
    "torch_import_ms": {v: med(t, v, "import_ns") and med(t, v, "import_ns") / 1e6 for v in ("native", "hami-run", "env")},
    "torch_wall_ms": {v: med(t, v, "wall_ns") and med(t, v, "wall_ns") / 1e6 for v in ("native", "hami-run", "env")},
    "pss_mib": {r.get("label"): {v: med(r, v, "pss_kb") and med(r, v, "pss_kb") / 1024 for v in ("native", "hami-run", "hami-run-fresh")}
                for r in parts["pss"]},
    "rss_mib": {r.get("label"): {v: med(r, v, "rss_kb") and med(r, v, "rss_kb") / 1024 for v in ("native", "hami-run")}
                for r in parts["pss"]},
    "true_us": {v: med(tr, v, "wall_ns") and med(tr, v, "wall_ns") / 1e3 for v in ("native", "preload")},
    "dist_bytes": size,
}
summary = {"checks": checks, "figures": figures, "passed": all(x["ok"] for x in checks)}
with open(os.path.join(out, "startup-summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
print(json.dumps(figures, indent=1))
for x in checks:
    print("%-4s %-62s %s%s" % ("PASS" if x["ok"] else "FAIL", x["check"], x["value"],
                               (" (limit %s %s)" % (x["limit"], x["unit"])) if "limit" in x else ""))
sys.exit(0 if summary["passed"] else 1)
PY
rc=$?
log "done in $((SECONDS - START)) s, rc $rc; files in $OUT_DIR"
rm -rf "$W"
exit $rc
