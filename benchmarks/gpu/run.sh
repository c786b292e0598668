#!/usr/bin/env bash
# benchmarks/gpu/run.sh [options] PART... - the benchmark suite on the GPU machine (benchmarks/README.md).
#
# Parts (estimated times on an H100, native + hami; add ~50 % per extra interposer; two parts per command fit):
#   calls    launch, launch+sync, cuMemGetInfo, cuDeviceGetCount, alloc/free 1 KiB..2 GiB    (~1-1.5 min)
#   startup  context create + real reset; first CUDA call of a fresh process (JVM boot)     (~2-2.5 min)
#   tenants  1 MiB alloc+free under 1, 4, 16 processes and 8 threads: p50/p99                (~2-3 min)
#   kv       KV-cache style 64 KiB..2 MiB allocation rate under 1, 4, 16 processes           (~1.5-2.5 min)
#   limit    fill 1 GiB chunks up to the whole limit (60g), 8 processes filling at once,
#            refusal time at the edge and for an oversized request                          (~1-1.5 min)
#   compute-shares, compute-torch-pair, compute-priority, compute-bandwidth
#            compute sharing against issue 5's criteria: handed to test-gpu/compute.sh PART after the parts
#            above, with the same $OUT and distribution (its times: bash test-gpu/compute.sh --plan PART);
#            options other than --budget do not apply to them                                (7.5/5.6/8.4/1.6 min)
#
# Options:
#   --interposer NAME=LIB[:K=V...]  also run under another LD_PRELOAD interposer (repeatable), e.g.
#                                   --interposer hami-core=/opt/vgpu/libvgpu.so:CUDA_DEVICE_MEMORY_LIMIT={limit}
#                                   LIB @ref is the reference C interposer built here (ref_interposer.c):
#                                   --interposer ref-c=@ref  --interposer ref-lockf=@ref:REF_INTERPOSER_MODE=lockf
#   --configs LIST                  built-in configurations (default per part: native,hami [,hami-env]);
#                                   also hami-preload (no limit) and hami-hookall (every export upcalls)
#   --reps N                        repetitions per case (default per part: 5..11), plus one warm-up
#   --budget S                      stop starting runs after S seconds (default 420, HAMI_BENCH_BUDGET_S)
#   --limit SIZE                    the limit of the limit part (default 60g)
#   --commit HASH                   the commit measured, when the tree has no .git (also HAMI_BENCH_COMMIT)
#   --dry                           build machine: link the fake driver, no kernel, no nvidia-smi
#   --quick                         tiny counts, 2 repetitions (with --dry: a smoke test of the scripts)
#
# Writes $OUT/bench-<part>.json per part and $OUT/bench-<parts>.log ($OUT unset: benchmarks/gpu/out/).
# Exit status: 0 all checks passed, 1 a check failed, 2 usage or build error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
OUT_DIR=${OUT:-$ROOT/benchmarks/gpu/out}
DIST=${HAMI_DIST:-$ROOT/launcher/target/hami}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
PYTHON=${PYTHON:-python3}

ORIG_ARGS=$*
DRY=0
BUDGET=${HAMI_BENCH_BUDGET_S:-500}
PY_ARGS=()
PARTS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --dry) DRY=1; PY_ARGS+=(--dry); shift ;;
        --quick) PY_ARGS+=(--quick); shift ;;
        --interposer | --configs | --reps | --budget | --limit | --commit)
            [[ $# -ge 2 ]] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
            [[ $1 == --budget ]] && BUDGET=$2
            PY_ARGS+=("$1" "$2"); shift 2 ;;
        -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) PARTS+=("$1"); shift ;;
    esac
done
COMPUTE_PARTS=(compute-shares compute-torch-pair compute-priority compute-bandwidth)
[[ ${#PARTS[@]} -gt 0 ]] || { echo "usage: bash benchmarks/gpu/run.sh [options] calls|startup|tenants|kv|limit|compute-* ..." >&2; exit 2; }
BENCH=()
COMPUTE=()
for p in "${PARTS[@]}"; do
    case $p in
        calls | startup | tenants | kv | limit) BENCH+=("$p") ;;
        compute-shares | compute-torch-pair | compute-priority | compute-bandwidth) COMPUTE+=("${p#compute-}") ;;
        *) echo "run.sh: unknown part '$p' (calls, startup, tenants, kv, limit, ${COMPUTE_PARTS[*]})" >&2; exit 2 ;;
    esac
done
if [[ ${#COMPUTE[@]} -gt 0 && $DRY == 1 ]]; then
    echo "run.sh: the compute parts need a GPU (the fake driver has no SM time to share); leave out --dry" >&2
    exit 2
fi
# compute sharing has its own runner (two cooperating processes per run, issue 5's criteria): the same $OUT
compute() {
    [[ ${#COMPUTE[@]} -gt 0 ]] || return 0
    OUT=$OUT_DIR HAMI_DIST=$DIST HAMI_GPU_BUDGET_S=$BUDGET bash test-gpu/compute.sh "${COMPUTE[@]}"
}
if [[ ${#BENCH[@]} -eq 0 ]]; then
    mkdir -p "$OUT_DIR"
    compute
    exit $?
fi
PARTS=("${BENCH[@]}")

mkdir -p "$OUT_DIR"
LOG=$OUT_DIR/bench-$(IFS=-; echo "${PARTS[*]}").log
BUILD=$(mktemp -d "${TMPDIR:-/tmp}/hami-bench.XXXXXX")

# A clean baseline whatever the caller's environment holds.
unset LD_PRELOAD CUDA_DEVICE_MEMORY_SHARED_CACHE HAMI_HOOK_ALL HAMI_TENANT REF_INTERPOSER_MODE || true
while read -r v; do unset "$v"; done < <(compgen -e | grep '^CUDA_DEVICE_MEMORY_LIMIT' || true)
export PYTHONUNBUFFERED=1

{
    echo "[$(date +%H:%M:%S)] hami-ffm benchmarks: parts=${PARTS[*]} dry=$DRY out=$OUT_DIR build=$BUILD"
    if [[ $DRY == 1 ]]; then
        # the fake driver of the tests stands in for libcuda; 80 GiB like the H100
        make -s -C hami-ffm/src/test/c OUT="$BUILD/fakecuda" "$BUILD/fakecuda/fake/libcuda.so.1" \
            "$BUILD/fakecuda/fake/libcuda.so" >/dev/null
        LINK_DIR=$BUILD/fakecuda/fake
        export LD_LIBRARY_PATH=$LINK_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        export FAKECUDA_TOTAL_MB=${FAKECUDA_TOTAL_MB:-81920}
    else
        LINK_DIR=""
        for d in "$CUDA_HOME/lib64/stubs" "$CUDA_HOME/targets/x86_64-linux/lib/stubs" /usr/lib/x86_64-linux-gnu \
            /usr/lib64; do
            [[ -e $d/libcuda.so ]] && { LINK_DIR=$d; break; }
        done
        if [[ -z $LINK_DIR ]]; then
            f=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{ print $NF; exit }')
            [[ -n $f ]] || { echo "run.sh: no libcuda.so to link against" >&2; exit 2; }
            mkdir -p "$BUILD/culink" && ln -sf "$f" "$BUILD/culink/libcuda.so" && LINK_DIR=$BUILD/culink
        fi
    fi
    echo "[$(date +%H:%M:%S)] building gpubench against $LINK_DIR"
    gcc -O2 -std=gnu11 -Wall -Wextra -I"$CUDA_HOME/include" benchmarks/native/gpubench.c -o "$BUILD/gpubench" \
        -L"$LINK_DIR" -lcuda -lpthread -lm || exit 2
    gcc -shared -fPIC -O2 -Wall -Wextra -I"$CUDA_HOME/include" benchmarks/native/ref_interposer.c \
        -o "$BUILD/libref_interposer.so" -ldl -lpthread || exit 2
    [[ -x $DIST/bin/hami-run && -f $DIST/lib/libhami.so ]] ||
        echo "WARNING: no distribution at $DIST (build it with mvn package and carry launcher/target/hami): hooked configurations are skipped"
    set +e
    "$PYTHON" benchmarks/gpu/bench.py --bin "$BUILD/gpubench" --ref-lib "$BUILD/libref_interposer.so" \
        --dist "$DIST" --out "$OUT_DIR" --invocation "bash benchmarks/gpu/run.sh $ORIG_ARGS" "${PY_ARGS[@]}" "${PARTS[@]}"
    rc=$?
    set -e
    rm -rf "$BUILD"
    exit $rc
} 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set +e
compute
crc=$?
set -e
exit $(( rc > crc ? rc : crc ))
