#!/usr/bin/env bash
# test-gpu/compute.sh PART... - GPU proof of hami-ffm's compute sharing (issue 5), native and hooked side by side.
#
#   shares      criterion 1: one tenant at --sm 25/50/75 on saturating streams of 0.1, 1 and 10 ms kernels
#               (12 configs x 3 runs x ~12.5 s)                                                     ~7.5 min
#   torch-pair  criterion 1 on a PyTorch training loop (4 configs x 3 x ~21 s); criterion 2: two tenants
#               of one region at --sm 30 / 70 on 1 ms work kernels, NVML per-process SM utilization  ~5.6 min
#   priority    criterion 3: decode loop (20 x 100 us every 10 ms, --priority high) beside a saturating
#               --priority low stream; criterion 4: a graph of 10 kernels, cuLaunchKernelEx and
#               CUDA_DEVICE_SM_LIMIT at 50 %, stream capture under a limit; criterion 6: empty-kernel
#               launch rate with no limit (spin; benchmarks/native/gpubench.c calls reported beside it); and
#               `hami-run set --sm 25 -> 75` on a running tenant (one run)                          ~7.5 min
#   bandwidth   criterion 5: triad over 3 x 4 GiB at --bandwidth 40, NVML GPM DRAM bandwidth          ~1.6 min
#   tuning      no criterion: the tuning knobs (docs/compute.md) on the PyTorch loop and the 30/70 pair, with
#               the device's busy time (GPM) and the tenant's charged GPU time beside each run             ~6 min
#   clocks      no criterion: the PyTorch loop native and at 75 % with busy time, SM clock and power     ~2 min
#
# One device call per part, or `torch-pair bandwidth` together (~7.2 min); each call must stay under 9 minutes:
# `bash test-gpu/compute.sh --plan PART...` prints the planned seconds. Medians of 3 runs of 10 s (after 1 s of
# warm-up); configurations interleaved (forward order on odd runs, reverse on even ones). A guard starts no new run
# after HAMI_GPU_BUDGET_S (500) seconds; what it skipped is reported as failed.
#
# Run from anywhere on the GPU machine, after the distribution launcher/target/hami/ was built and carried along:
#     bash test-gpu/compute.sh shares
# Writes $OUT/compute-<part>.json per part and $OUT/compute-run.log ($OUT unset: test-gpu/out/); the last lines
# printed are the table (test-gpu/src/compute_report.py). Exit 0 when every check passed, 1 when one failed, 2 on a
# usage or build error.
#
# Knobs: HAMI_DIST (launcher/target/hami), HAMI_GPU_REPS (3), HAMI_CB_SECONDS (10), HAMI_CB_WARMUP_S (1),
# HAMI_CB_GIB (4, per triad array), HAMI_GPU_BUDGET_S (500), PYTHON (python3 with torch), CUDA_HOME
# (/usr/local/cuda), HAMI_TEST_CUDA_LIB_DIR (the libcuda.so to link against).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ALL_PARTS=(shares torch-pair priority bandwidth)  # "all"; tuning, clocks, turns (no criterion) only when named
OUT_DIR=${OUT:-$ROOT/test-gpu/out}
HAMI_DIST=${HAMI_DIST:-$ROOT/launcher/target/hami}
PYTHON=${PYTHON:-python3}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
SRC=$ROOT/test-gpu/src

usage() {
    echo "usage: bash test-gpu/compute.sh [--plan] ${ALL_PARTS[*]} tuning clocks turns | all  (one or more parts)" >&2
    exit 2
}
PLAN=0
PARTS=()
for a in "$@"; do
    case $a in
        shares | torch-pair | priority | bandwidth | tuning | clocks | turns) PARTS+=("$a") ;;
        all) PARTS+=("${ALL_PARTS[@]}") ;;
        --plan) PLAN=1 ;;
        *)
            echo "compute.sh: unknown part '$a'" >&2
            usage
            ;;
    esac
done
[[ ${#PARTS[@]} -gt 0 ]] || usage
ARGS=(--dist "$HAMI_DIST" --out "$OUT_DIR" --reps "${HAMI_GPU_REPS:-3}" --seconds "${HAMI_CB_SECONDS:-10}"
    --warmup "${HAMI_CB_WARMUP_S:-1}" --gib "${HAMI_CB_GIB:-4}" --budget "${HAMI_GPU_BUDGET_S:-500}")
if ((PLAN)); then
    exec "$PYTHON" "$SRC/compute_run.py" --plan --spin - "${ARGS[@]}" "${PARTS[@]}"
fi

mkdir -p "$OUT_DIR"
# Run python by its real path (not a pyenv-style shim), so a preload only ever lands in the interpreter itself.
if py_real=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) && [[ -x $py_real ]]; then
    PYTHON=$py_real
fi
unset LD_PRELOAD CUDA_DEVICE_MEMORY_SHARED_CACHE CUDA_DEVICE_SM_LIMIT CUDA_TASK_PRIORITY \
    CUDA_DEVICE_BANDWIDTH_LIMIT HAMI_HOOK_ALL || true
export PYTHONUNBUFFERED=1
BUILD=$(mktemp -d "${TMPDIR:-/tmp}/hami-compute.XXXXXX")

main() {
    echo "[$(date +%H:%M:%S)] compute.sh: parts ${PARTS[*]}, dist $HAMI_DIST, out $OUT_DIR, build $BUILD"
    local link="" d f
    if [[ -n ${HAMI_TEST_CUDA_LIB_DIR:-} ]]; then
        link=$HAMI_TEST_CUDA_LIB_DIR
    else
        for d in "$CUDA_HOME/lib64/stubs" "$CUDA_HOME/targets/x86_64-linux/lib/stubs" /usr/lib/x86_64-linux-gnu \
            /usr/lib64; do
            [[ -e $d/libcuda.so ]] && { link=$d; break; }
        done
        if [[ -z $link ]]; then
            f=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{ print $NF; exit }')
            [[ -n $f ]] || { echo "compute.sh: no libcuda.so to link against (set HAMI_TEST_CUDA_LIB_DIR)" >&2; return 2; }
            mkdir -p "$BUILD/culink" && ln -sf "$f" "$BUILD/culink/libcuda.so" && link=$BUILD/culink
        fi
    fi
    echo "[$(date +%H:%M:%S)] building spin and gpubench against $link"
    gcc -O2 -std=gnu11 -Wall -Wextra -I"$CUDA_HOME/include" "$SRC/spin.c" -o "$BUILD/spin" -L"$link" -lcuda -lm ||
        return 2
    local gpubench=$BUILD/gpubench
    gcc -O2 -std=gnu11 -Wall -Wextra -I"$CUDA_HOME/include" benchmarks/native/gpubench.c -o "$gpubench" \
        -L"$link" -lcuda -lpthread -lm || { echo "WARNING: gpubench did not build: criterion 6 by spin only"; gpubench=""; }
    local env_json
    env_json=$("$PYTHON" - "$HAMI_DIST" <<'PY'
import hashlib, json, subprocess, sys
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()[:600]
    except Exception as e:  # noqa: BLE001
        return f"error: {e}"
env = {"gpu": sh("nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader"),
       "compute_apps": sh("nvidia-smi --query-compute-apps=pid,process_name --format=csv,noheader"),
       "torch": sh(f"{sys.executable} -c 'import torch; print(torch.__version__, torch.version.cuda)'"),
       "pynvml": sh(f"{sys.executable} -c 'import pynvml; print(pynvml.__file__)'"),
       "date": sh("date -Is"), "host": sh("hostname")}
try:
    env["libhami_sha256"] = hashlib.sha256(open(sys.argv[1] + "/lib/libhami.so", "rb").read()).hexdigest()
except OSError as e:
    env["libhami_sha256"] = f"missing: {e}"
print(json.dumps(env))
PY
)
    echo "env> $env_json"
    local rc=0
    "$PYTHON" "$SRC/compute_run.py" --spin "$BUILD/spin" --gpubench "$gpubench" --python "$PYTHON" \
        --env-json "$env_json" "${ARGS[@]}" "${PARTS[@]}" || rc=$?
    echo
    local p files=()
    for p in "${PARTS[@]}"; do [[ -f $OUT_DIR/compute-$p.json ]] && files+=("$OUT_DIR/compute-$p.json"); done
    "$PYTHON" "$SRC/compute_report.py" "${files[@]}" || rc=1
    return "$rc"
}

set +e
main 2>&1 | tee "$OUT_DIR/compute-run.log"
rc=${PIPESTATUS[0]}
rm -rf "$BUILD"
exit "$rc"
