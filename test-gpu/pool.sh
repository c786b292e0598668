#!/usr/bin/env bash
# test-gpu/pool.sh [part...] - GPU proof of hami-ffm's KV-cache block pool (docs/pool.md), side by side with
# native. Parts: rate torch counted token example (default: all, in that order).
#
#   rate     block alloc+free pairs, 256 KiB - 2 MiB: native cudaMalloc/cudaFree and cuMemAlloc/cuMemFree vs the
#            pool's C ABI (single and batch) under hami-run; the latency distribution of hami_pool_alloc (p99)
#   torch    PyTorch's caching allocator (native) vs the pool through its Python binding (under hami-run)
#   counted  under a 4 GiB limit the pool fills the limit: cuMemGetInfo drops by exactly the pool's reservation, a
#            plain cuMemAlloc finds no room, NVML's physical use grows by as much, destroy gives it all back (VMM,
#            HAMI_POOL_VMM=0, and environment mode)
#   token    a paged-attention decode loop, KV blocks from the pool (hami-run) vs cudaMalloc per block and one
#            cudaMalloc'd slab (native); tokens/s, checksums must agree
#   example  examples/kv_pool_torch.py under hami-run (smoke run of the PyTorch example)
#
# Each measured config runs HAMI_GPU_REPS (5) times, interleaved (forward order on odd rounds, reverse on even);
# the report takes medians. Run from anywhere on the GPU machine after the distribution launcher/target/hami/ was
# built and carried along (no Java needed there):
#     bash test-gpu/pool.sh
# Writes $OUT/pool-{rate,torch,counted,token,example}.json and $OUT/pool-run.log ($OUT unset: test-gpu/out/);
# the last lines printed are the table and "pool-tests: N passed, M failed". Exit 0 when every check passed, 1 when
# one failed, 2 on a usage error.
#
# Knobs: HAMI_DIST (default launcher/target/hami), HAMI_GPU_REPS (5), HAMI_GPU_BUDGET_S (480: no new run starts
# after that), PYTHON (python3 with torch), CUDA_HOME (/usr/local/cuda), HAMI_TEST_CUDA_LIB_DIR (libcuda.so to link).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ALL_PARTS=(rate torch counted token example)
OUT_DIR=${OUT:-$ROOT/test-gpu/out}
LOG=$OUT_DIR/pool-run.log
HAMI_DIST=${HAMI_DIST:-$ROOT/launcher/target/hami}
HAMI_RUN=$HAMI_DIST/bin/hami-run
HAMI_LIB=$HAMI_DIST/lib/libhami.so
REPS=${HAMI_GPU_REPS:-5}
BUDGET_S=${HAMI_GPU_BUDGET_S:-480}
PYTHON=${PYTHON:-python3}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
SRC=$ROOT/test-gpu/src
INCLUDE=$ROOT/hami-ffm/src/main/include

usage() {
    echo "usage: bash test-gpu/pool.sh [${ALL_PARTS[*]}]  (default: all)" >&2
    exit 2
}
PARTS=()
for a in "$@"; do
    case $a in
        rate | torch | counted | token | example) PARTS+=("$a") ;;
        all) PARTS+=("${ALL_PARTS[@]}") ;;
        *) usage ;;
    esac
done
[[ ${#PARTS[@]} -gt 0 ]] || PARTS=("${ALL_PARTS[@]}")
[[ $REPS =~ ^[1-9][0-9]*$ ]] || usage
[[ $BUDGET_S =~ ^[1-9][0-9]*$ ]] || usage

mkdir -p "$OUT_DIR"

if py_real=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) && [[ -x $py_real ]]; then
    PYTHON=$py_real
fi
unset LD_PRELOAD CUDA_DEVICE_MEMORY_SHARED_CACHE HAMI_HOOK_ALL HAMI_POOL_VMM || true
while read -r v; do unset "$v"; done < <(compgen -e | grep '^CUDA_DEVICE_MEMORY_LIMIT' || true)
export PYTHONUNBUFFERED=1

START=$SECONDS
WORK=$(mktemp -d)
SEQ=0
log() { printf '[%s +%4ds] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - START))" "$*"; }
remaining() { echo $((BUDGET_S - (SECONDS - START))); }

main() {
log "pool.sh: parts ${PARTS[*]}, reps $REPS, budget ${BUDGET_S}s, dist $HAMI_DIST, work $WORK"
{
    nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv,noheader 2>&1 || true
    "$PYTHON" -c 'import torch; print("torch", torch.__version__, torch.version.cuda)' 2>&1 || true
    sha256sum "$HAMI_LIB" 2>&1 || true
} | sed 's/^/env> /'
[[ -f $HAMI_LIB && -x $HAMI_RUN ]] || log "WARNING: hami distribution missing ($HAMI_DIST): hooked runs will fail"
NEEDS_BENCH=0
for p in "${PARTS[@]}"; do [[ $p == rate || $p == counted || $p == token ]] && NEEDS_BENCH=1; done
((NEEDS_BENCH)) && build
for p in "${PARTS[@]}"; do
    log "== part $p"
    "part_$p"
done
log "== report"
"$PYTHON" "$SRC/pool_report.py" "$WORK/raw" "$OUT_DIR" --reps "$REPS" --lib "$HAMI_LIB"
}

# run_case PART CASE CONFIG REP TIMEOUT -- CMD...: stdout/stderr/meta under $WORK/raw/PART/SEQ-CASE-CONFIG-REP
run_case() {
    local part=$1 name=$2 config=$3 rep=$4 tmo=$5
    shift 5
    [[ ${1:-} == -- ]] && shift
    SEQ=$((SEQ + 1))
    local dir=$WORK/raw/$part/$(printf '%03d' "$SEQ")-$name-$config-$rep rc=0 skipped="" t0 t1 left
    mkdir -p "$dir"
    printf '%q ' "$@" >"$dir/cmd"
    : >"$dir/stdout"
    : >"$dir/stderr"
    left=$(remaining)
    if ((left < 15)); then
        skipped="time budget exhausted (HAMI_GPU_BUDGET_S=$BUDGET_S)"
        rc=125
        log "-- [$part] $name $config rep $rep: SKIPPED: $skipped"
    else
        ((tmo > left)) && tmo=$left
        log "-- [$part] $name $config rep $rep: $(cat "$dir/cmd")"
        t0=$(date +%s.%N)
        timeout -k 10 "$tmo" "$@" </dev/null >"$dir/stdout" 2>"$dir/stderr" || rc=$?
        t1=$(date +%s.%N)
        log "   rc=$rc wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s"
        tail -c 600 "$dir/stdout" | sed 's/^/   stdout> /'
        tail -n 8 "$dir/stderr" | cut -c1-300 | sed 's/^/   stderr> /'
    fi
    printf 'part=%s\ncase=%s\nconfig=%s\nrep=%s\nrc=%s\nskipped=%s\n' "$part" "$name" "$config" "$rep" "$rc" \
        "$skipped" >"$dir/meta"
    return 0
}

# run_cfg PART CASE CONFIG REP TIMEOUT -- CMD...: CMD under a configuration, each hooked run with its own region
run_cfg() {
    local part=$1 name=$2 config=$3 rep=$4 tmo=$5 region
    shift 5
    [[ ${1:-} == -- ]] && shift
    region=$WORK/regions/$((SEQ + 1)).region
    mkdir -p "$WORK/regions"
    case $config in
        native) run_case "$part" "$name" "$config" "$rep" "$tmo" -- "$@" ;;
        hami) run_case "$part" "$name" "$config" "$rep" "$tmo" -- "$HAMI_RUN" --memory 70g --region "$region" -- "$@" ;;
        hami-4g) run_case "$part" "$name" "$config" "$rep" "$tmo" -- "$HAMI_RUN" --memory 4g --region "$region" -- "$@" ;;
        hami-4g-plain) run_case "$part" "$name" "$config" "$rep" "$tmo" -- "$HAMI_RUN" --memory 4g --region "$region" \
            -- env HAMI_POOL_VMM=0 "$@" ;;
        env-4g) run_case "$part" "$name" "$config" "$rep" "$tmo" -- env "LD_PRELOAD=$HAMI_LIB" CUDA_DEVICE_MEMORY_LIMIT=4g \
            "CUDA_DEVICE_MEMORY_SHARED_CACHE=$region" "$@" ;;
        hami-6g) run_case "$part" "$name" "$config" "$rep" "$tmo" -- "$HAMI_RUN" --memory 6g --region "$region" -- "$@" ;;
        *)
            echo "pool.sh: unknown config $config" >&2
            exit 2
            ;;
    esac
}

# order REP A B C...: the configs, reversed on even rounds
order() {
    local rep=$1
    shift
    if ((rep % 2)); then printf '%s\n' "$@"; else printf '%s\n' "$@" | tac; fi
}

# ------------------------------------------------------------------ build
BENCH=$WORK/bin/pool_bench
build() {
    local link="" d f nvcc
    if [[ -n ${HAMI_TEST_CUDA_LIB_DIR:-} ]]; then
        link=$HAMI_TEST_CUDA_LIB_DIR
    else
        for d in "$CUDA_HOME/lib64/stubs" "$CUDA_HOME/targets/x86_64-linux/lib/stubs" /usr/lib/x86_64-linux-gnu /usr/lib64; do
            [[ -e $d/libcuda.so ]] && link=$d && break
        done
        if [[ -z $link ]]; then
            f=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{ print $NF; exit }')
            mkdir -p "$WORK/culink" && ln -sf "$f" "$WORK/culink/libcuda.so" && link=$WORK/culink
        fi
    fi
    nvcc=$(command -v nvcc || echo "$CUDA_HOME/bin/nvcc")
    mkdir -p "$WORK/bin"
    run_case build pool_bench build 0 300 -- "$nvcc" -O2 -arch=sm_90 -I"$INCLUDE" -I"$CUDA_HOME/include" \
        "$SRC/pool_bench.cu" -o "$BENCH" -L"$link" -lcuda -ldl
}

# ------------------------------------------------------------------ parts
part_rate() {
    local rep cfg
    for ((rep = 1; rep <= REPS; rep++)); do
        for cfg in $(order "$rep" native hami); do
            run_cfg rate rate "$cfg" "$rep" 180 -- "$BENCH" rate --working-set 64 --native-rounds 20 \
                --pool-rounds 2000 --latency-allocs 200000
        done
    done
}

part_torch() {
    local rep cfg
    for ((rep = 1; rep <= REPS; rep++)); do
        for cfg in $(order "$rep" native hami); do
            local mode=caching
            [[ $cfg == hami ]] && mode=pool
            run_cfg torch "torch-$mode" "$cfg" "$rep" 180 -- "$PYTHON" "$SRC/pool_torch.py" --mode "$mode" \
                --working-set 64 --rounds 200
        done
    done
}

part_counted() {
    local cfg
    for cfg in hami-4g hami-4g-plain env-4g; do
        run_cfg counted counted "$cfg" 1 180 -- "$BENCH" counted --block 2097152
    done
}

part_token() {
    local rep cfg
    local -a args=(--seqs 64 --steps 1000 --warmup 50 --prompt 256 --gen 512 --heads 32)
    for ((rep = 1; rep <= REPS; rep++)); do
        for cfg in $(order "$rep" pool malloc slab); do
            case $cfg in
                pool) run_cfg token token-pool hami "$rep" 240 -- "$BENCH" token --variant pool "${args[@]}" ;;
                *) run_cfg token "token-$cfg" native "$rep" 240 -- "$BENCH" token --variant "$cfg" "${args[@]}" ;;
            esac
        done
    done
}

part_example() {
    run_cfg example kv_pool_torch hami-6g 1 300 -- "$PYTHON" "$ROOT/examples/kv_pool_torch.py" --steps 200
}

# everything printed goes to the log too; the table is the last thing printed
main 2>&1 | tee "$LOG"
exit "${PIPESTATUS[0]}"
