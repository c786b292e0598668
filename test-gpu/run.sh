#!/usr/bin/env bash
# test-gpu/run.sh [part...] - GPU-machine proof of hami-ffm's memory limit and
# of the preload's overhead. Parts: limit-c limit-torch overhead (default: all).
#
# Run from anywhere (it cd's to the repo root), on the GPU machine, after the
# distribution launcher/target/hami/ was built and carried along:
#     bash test-gpu/run.sh                 # all parts
#     bash test-gpu/run.sh overhead        # one part
#
# Writes $OUT/gpu-<part>.json per part and $OUT/run.log ($OUT unset:
# test-gpu/out/). Exit 0 when every check passed, 1 when one failed, 2 on a
# usage error. See test-gpu/README.md.
#
# Knobs (environment):
#   HAMI_DIST=DIR            distribution dir (default launcher/target/hami)
#   HAMI_GPU_REPS=N          overhead repetitions per config (default 5)
#   HAMI_GPU_BUDGET_S=S      stop starting new runs after S seconds (default 480)
#   HAMI_GPU_MB_ARGS="..."   extra microbench arguments (e.g. "--launches 5000")
#   HAMI_TEST_CUDA_LIB_DIR   dir holding the libcuda.so to link against
#   PYTHON                   python with torch (default python3)
#   CUDA_HOME                CUDA toolkit (default /usr/local/cuda)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ALL_PARTS=(limit-c limit-torch overhead)
OUT_DIR=${OUT:-$ROOT/test-gpu/out}
LOG=$OUT_DIR/run.log
HAMI_DIST=${HAMI_DIST:-$ROOT/launcher/target/hami}
HAMI_RUN=$HAMI_DIST/bin/hami-run
HAMI_LIB=$HAMI_DIST/lib/libhami.so
REPS=${HAMI_GPU_REPS:-5}
BUDGET_S=${HAMI_GPU_BUDGET_S:-480}
PYTHON=${PYTHON:-python3}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
SRC=$ROOT/test-gpu/src
REPORT=$SRC/report.py
GIB=$((1 << 30))

usage() {
    echo "usage: bash test-gpu/run.sh [${ALL_PARTS[*]}]  (default: all)" >&2
    exit 2
}

PARTS=()
for a in "$@"; do
    case $a in
        limit-c | limit-torch | overhead) PARTS+=("$a") ;;
        all) PARTS+=("${ALL_PARTS[@]}") ;;
        -h | --help) usage ;;
        *)
            echo "run.sh: unknown part '$a'" >&2
            usage
            ;;
    esac
done
[[ ${#PARTS[@]} -gt 0 ]] || PARTS=("${ALL_PARTS[@]}")
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: HAMI_GPU_REPS must be a positive integer" >&2; exit 2; }
[[ $BUDGET_S =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: HAMI_GPU_BUDGET_S must be a positive integer" >&2; exit 2; }

mkdir -p "$OUT_DIR"

# Run python by its real path (not a pyenv-style shell shim), so the preload
# only ever lands in the interpreter itself.
if py_real=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) && [[ -x $py_real ]]; then
    PYTHON=$py_real
fi

# The baseline must be clean whatever the caller's environment holds.
# (Every CUDA_DEVICE_MEMORY_LIMIT* counts: the per-device _<i> ones too.)
unset LD_PRELOAD CUDA_DEVICE_MEMORY_SHARED_CACHE HAMI_HOOK_ALL || true
while read -r v; do unset "$v"; done < <(compgen -e | grep '^CUDA_DEVICE_MEMORY_LIMIT' || true)
export PYTHONUNBUFFERED=1

START=$SECONDS
WORK=""
SEQ=0
CASE_PROG=""   # the program a case runs (checked for existence before running)

log() { printf '[%s +%4ds] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - START))" "$*"; }
remaining() { echo $((BUDGET_S - (SECONDS - START))); }
have_dist() { [[ -f $HAMI_LIB && -e $HAMI_RUN ]]; }
needs_dist() { case $1 in preload | hookall | env-* | hami-run-*) return 0 ;; *) return 1 ;; esac }

# ------------------------------------------------------------------ cases
# run_case PART CASE CONFIG REP LIMIT_BYTES TIMEOUT_S -- CMD...
# Runs one command with a time limit, never aborting the script; stores
# meta/cmd/stdout/stderr under $WORK/raw/PART/SEQ-CASE/ for report.py.
run_case() {
    local part=$1 name=$2 config=$3 rep=$4 limit=$5 tmo=$6
    shift 6
    [[ ${1:-} == -- ]] && shift
    SEQ=$((SEQ + 1))
    local dir
    dir=$WORK/raw/$part/$(printf '%03d' "$SEQ")-$name
    mkdir -p "$dir"
    printf '%q ' "$@" >"$dir/cmd"
    : >"$dir/stdout"
    : >"$dir/stderr"
    local skipped="" rc=0 left t0 t1 wall
    left=$(remaining)
    if needs_dist "$config" && ! have_dist; then
        skipped="hami distribution missing: $HAMI_LIB / $HAMI_RUN"
    elif ((left < 15)); then
        skipped="time budget exhausted (HAMI_GPU_BUDGET_S=$BUDGET_S)"
    elif [[ -n $CASE_PROG && ! -e $CASE_PROG ]] && ! command -v "$CASE_PROG" >/dev/null 2>&1; then
        skipped="not built / not found: $CASE_PROG"
    fi
    ((tmo > left)) && tmo=$left
    if [[ -n $skipped ]]; then
        rc=125
        wall=0
        log "-- [$part] $name ($config, rep $rep): SKIPPED: $skipped"
    else
        log "-- [$part] $name ($config, rep $rep): $(cat "$dir/cmd")"
        t0=$(date +%s.%N)
        timeout -k 10 "$tmo" "$@" </dev/null >"$dir/stdout" 2>"$dir/stderr" || rc=$?
        t1=$(date +%s.%N)
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        log "   rc=$rc wall=${wall}s$( ((rc == 124 || rc == 137)) && echo " (TIMED OUT after ${tmo}s)")"
        sed -n '$p' "$dir/stdout" | cut -c1-1500 | sed 's/^/   stdout> /'
        tail -n 25 "$dir/stderr" | cut -c1-400 | sed 's/^/   stderr> /'
    fi
    {
        echo "case=$name"
        echo "config=$config"
        echo "rep=$rep"
        echo "rc=$rc"
        echo "wall_s=$wall"
        echo "timeout_s=$tmo"
        echo "limit_bytes=$limit"
        echo "skipped=$skipped"
    } >"$dir/meta"
    return 0
}

# Command prefixes per configuration. Each prints into the array named $1.
# The preload variables are set only on the final command (through env), so
# that `timeout` itself never carries libhami.so.
region() { echo "$WORK/regions/$(printf '%03d' "$((SEQ + 1))")-$1.region"; }
prefix_for() { # prefix_for ARRAYNAME CONFIG CASE
    local -n _p=$1
    case $2 in
        native) _p=() ;;
        preload) _p=(env "LD_PRELOAD=$HAMI_LIB") ;;
        # hook-all still opens a region: give it a fresh one, not the shared
        # default /dev/shm/hami-ffm.region of the machine.
        hookall) _p=(env "LD_PRELOAD=$HAMI_LIB" HAMI_HOOK_ALL=1
            "CUDA_DEVICE_MEMORY_SHARED_CACHE=$(region "$3")") ;;
        env-4g) _p=(env "LD_PRELOAD=$HAMI_LIB" CUDA_DEVICE_MEMORY_LIMIT=4g
            "CUDA_DEVICE_MEMORY_SHARED_CACHE=$(region "$3")") ;;
        hami-run-4g) _p=("$HAMI_RUN" --memory 4g --region "$(region "$3")" --) ;;
        hami-run-70g) _p=("$HAMI_RUN" --memory 70g --region "$(region "$3")" --) ;;
        *)
            echo "run.sh: internal error: unknown config $2" >&2
            return 1
            ;;
    esac
}
limit_of() {
    case $1 in
        *-4g) echo $((4 * GIB)) ;;
        *-70g) echo $((70 * GIB)) ;;
        *) echo 0 ;;
    esac
}
# run_cfg PART CASE CONFIG REP TIMEOUT -- CMD...
run_cfg() {
    local part=$1 name=$2 config=$3 rep=$4 tmo=$5 pre=()
    shift 5
    [[ ${1:-} == -- ]] && shift
    prefix_for pre "$config" "$name"
    CASE_PROG=$1
    run_case "$part" "$name" "$config" "$rep" "$(limit_of "$config")" "$tmo" -- "${pre[@]}" "$@"
}

# ------------------------------------------------------------------ build
CUDA_LINK_DIR=""
find_cuda_link_dir() {
    local d f
    if [[ -n ${HAMI_TEST_CUDA_LIB_DIR:-} ]]; then
        CUDA_LINK_DIR=$HAMI_TEST_CUDA_LIB_DIR
        return 0
    fi
    for d in "$CUDA_HOME/lib64/stubs" "$CUDA_HOME/targets/x86_64-linux/lib/stubs" \
        "$CUDA_HOME/targets/sbsa-linux/lib/stubs" /usr/lib/x86_64-linux-gnu /usr/lib64 \
        /usr/lib/aarch64-linux-gnu /usr/local/cuda/compat; do
        if [[ -e $d/libcuda.so ]]; then
            CUDA_LINK_DIR=$d
            return 0
        fi
    done
    # Only the driver's libcuda.so.1: give the linker a libcuda.so next to it.
    f=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{ print $NF; exit }')
    if [[ -n $f && -e $f ]]; then
        mkdir -p "$WORK/culink"
        ln -sf "$f" "$WORK/culink/libcuda.so"
        CUDA_LINK_DIR=$WORK/culink
        return 0
    fi
    return 1
}

BUILT_FILL=""
BUILT_MB=""
build_fill() {
    [[ -n $BUILT_FILL ]] && return 0
    BUILT_FILL=$WORK/bin/fill_limit
    CASE_PROG=gcc
    run_case limit-c build build 0 0 300 -- \
        gcc -O2 -std=c11 -Wall -Wextra -I"$CUDA_HOME/include" "$SRC/fill_limit.c" \
        -o "$BUILT_FILL" -L"$CUDA_LINK_DIR" -lcuda
}
build_mb() {
    [[ -n $BUILT_MB ]] && return 0
    BUILT_MB=$WORK/bin/microbench
    local nvcc
    nvcc=$(command -v nvcc || echo "$CUDA_HOME/bin/nvcc")
    CASE_PROG=$nvcc
    run_case overhead build build 0 0 300 -- \
        "$nvcc" -O2 -arch=sm_90 -I"$CUDA_HOME/include" "$SRC/microbench.cu" \
        -o "$BUILT_MB" -L"$CUDA_LINK_DIR" -lcuda
}

# ------------------------------------------------------------------ parts
part_limit_c() {
    build_fill
    local fill=$BUILT_FILL cfg
    local c256=$((256 << 20)) codd=$(((1 << 20) + 1))
    # 256 MiB chunks: native capped at 40 (10 GiB) to stay fast; limited runs
    # capped at 64 so that a limit that is not enforced cannot fill the GPU.
    run_cfg limit-c native-256M native 1 120 -- "$fill" --chunk "$c256" --max 40
    for cfg in hami-run-4g env-4g; do
        run_cfg limit-c "$cfg-256M" "$cfg" 1 120 -- "$fill" --chunk "$c256" --max 64
    done
    # 1 MiB + 1 B chunks: native only to learn the real size; limited runs
    # capped at 8300 (a bit over 2 x 4096).
    run_cfg limit-c native-odd native 1 120 -- "$fill" --chunk "$codd" --max 40 --no-probe
    for cfg in hami-run-4g env-4g; do
        run_cfg limit-c "$cfg-odd" "$cfg" 1 180 -- "$fill" --chunk "$codd" --max 8300 --no-probe
    done
}

part_limit_torch() {
    local py=$SRC/torch_limit.py cfg
    run_cfg limit-torch native native 1 180 -- "$PYTHON" "$py" --max 40
    for cfg in hami-run-4g env-4g; do
        run_cfg limit-torch "$cfg" "$cfg" 1 180 -- "$PYTHON" "$py" --max 64
    done
}

part_overhead() {
    build_mb
    local mb=$BUILT_MB rep cfg order
    local -a mbargs=(--batches 20 --launches 10000 --pairs 2000 --infos 1000 --warmup 2)
    local -a extra=()
    # shellcheck disable=SC2206 # word splitting of the knob is intended
    [[ -n ${HAMI_GPU_MB_ARGS:-} ]] && extra=($HAMI_GPU_MB_ARGS)
    local -a fwd=(native preload hookall hami-run-70g)
    local -a rev=(hami-run-70g hookall preload native)
    # rep 0: one warm-up run per config (page cache, JIT cache), not counted.
    for rep in $(seq 0 "$REPS"); do
        if ((rep % 2 == 1 || rep == 0)); then order=("${fwd[@]}"); else order=("${rev[@]}"); fi
        for cfg in "${order[@]}"; do
            run_cfg overhead "$cfg" "$cfg" "$rep" 120 -- "$mb" "${mbargs[@]}" "${extra[@]}"
        done
    done
}

write_env() {
    local f=$WORK/raw/env.txt
    one() { printf '%s=%s\n' "$1" "$(eval "$2" 2>&1 | tr '\n' '|' | sed 's/|$//' | cut -c1-600)"; }
    {
        one date "date -Is"
        one host "hostname"
        one kernel "uname -r"
        one gpu "nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,utilization.gpu --format=csv,noheader"
        one gpu_apps "nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader"
        one nvcc "nvcc --version | tail -n 2"
        one gcc "gcc --version | head -n 1"
        one python "$PYTHON --version"
        echo "hami_dist=$HAMI_DIST"
        one hami_dist_present "have_dist && echo yes || echo no"
        one libhami_sha256 "sha256sum $(printf '%q' "$HAMI_LIB") | cut -c1-64"
        one hami_dist_files "ls -l $(printf '%q' "$HAMI_DIST")/bin $(printf '%q' "$HAMI_DIST")/lib"
        echo "cuda_link_dir=$CUDA_LINK_DIR"
        echo "reps=$REPS"
        echo "budget_s=$BUDGET_S"
        echo "parts=${PARTS[*]}"
    } >"$f" || true
}

main() {
    set -euo pipefail
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/hami-gpu-test.XXXXXX")
    mkdir -p "$WORK/raw" "$WORK/bin" "$WORK/regions"
    log "hami-ffm GPU proof: parts=${PARTS[*]} reps=$REPS budget=${BUDGET_S}s work=$WORK out=$OUT_DIR"
    if have_dist; then
        log "distribution: $HAMI_DIST"
        [[ -x $HAMI_RUN ]] || log "WARNING: $HAMI_RUN is not executable (lost exec bit?)"
    else
        log "ERROR: hami distribution not found: need $HAMI_RUN and $HAMI_LIB."
        log "ERROR: build it on the build machine first (launcher/target/hami/) and carry it along;"
        log "ERROR: every hooked configuration is reported as FAIL (skipped), native ones still run."
    fi
    if ! find_cuda_link_dir; then
        log "ERROR: no libcuda.so to link against (looked in $CUDA_HOME/lib64/stubs, driver dirs, ldconfig)"
        CUDA_LINK_DIR=$CUDA_HOME/lib64/stubs
    fi
    log "linking against libcuda in $CUDA_LINK_DIR"
    write_env
    sed 's/^/   env> /' "$WORK/raw/env.txt"

    local part prc
    for part in "${PARTS[@]}"; do
        log "==== part $part"
        # Each part in its own subshell with errexit on: an unexpected error
        # ends that part only; report.py still reports what it left.
        set +e
        (
            set -e
            case $part in
                limit-c) part_limit_c ;;
                limit-torch) part_limit_torch ;;
                overhead) part_overhead ;;
            esac
        )
        prc=$?
        set -e
        ((prc == 0)) || log "ERROR: part $part stopped early with status $prc (unexpected script error)"
    done

    local files=() rc=0
    for part in "${PARTS[@]}"; do
        if "$PYTHON" "$REPORT" part --part "$part" --raw "$WORK/raw" --out "$OUT_DIR/gpu-$part.json"; then
            files+=("$OUT_DIR/gpu-$part.json")
        else
            log "ERROR: report for $part failed"
            rc=1
        fi
    done
    echo
    "$PYTHON" "$REPORT" table "${files[@]}" || rc=1
    log "done in $((SECONDS - START))s; JSON in $OUT_DIR; raw outputs in $WORK"
    return "$rc"
}

# Not `main | tee || rc=$?`: that would switch errexit off inside main.
set +e
main 2>&1 | tee -a "$LOG"
rc=${PIPESTATUS[0]}
exit "$rc"
