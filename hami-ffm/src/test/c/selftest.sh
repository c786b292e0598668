#!/usr/bin/env bash
# Runs the test programs against the fake driver alone (no trampoline) and
# checks their key=value output. Usage: selftest.sh OUT   (make check does this)
set -euo pipefail

OUT=$(cd "${1:?usage: selftest.sh OUT}" && pwd)
BIN=$OUT/bin
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LD_LIBRARY_PATH=$OUT/fake
unset LD_PRELOAD CUDA_VISIBLE_DEVICES FAKENVML_RESERVED_MB FAKECUDA_LEDGER FAKECUDA_DEVICES FAKECUDA_TOTAL_MB FAKECUDA_GRANULE FAKECUDA_DRIVER_VERSION
MiB=1048576
failures=0

# expect FILE KEY VALUE
expect() {
    local got
    got=$(sed -n "s/^$2=//p" "$1" | tail -n 1)
    if [[ "$got" != "$3" ]]; then
        echo "FAIL: $1: $2=$got, expected $3" >&2
        failures=$((failures + 1))
    fi
}

# run NAME CMD... : stdout to $TMP/NAME.out, non-zero exit counts as a failure
run() {
    local name=$1
    shift
    local rc=0
    "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
    if ((rc)); then
        echo "FAIL: $name exited $rc ($*)" >&2
        cat "$TMP/$name.err" >&2
        failures=$((failures + 1))
    fi
}

ledger() { "$BIN/ledger_dump" "$TMP/$1.ledger" >"$TMP/$1.dump"; }

echo "fake driver semantics"
FAKECUDA_LEDGER=$TMP/self.ledger FAKECUDA_TOTAL_MB=64 FAKECUDA_DEVICES=2 FAKECUDA_GRANULE=4096 \
    run self "$BIN/fakecuda_selftest"

echo "alloc_until_oom"
for bin in alloc_until_oom alloc_until_oom-nolink; do
    for mode in direct dlsym procaddr procaddr-ptsz; do
        [[ $bin == *-nolink && $mode == direct ]] && continue
        for threads in 1 8; do
            n=$bin.$mode.$threads
            FAKECUDA_LEDGER=$TMP/$n.ledger FAKECUDA_TOTAL_MB=64 \
                run "$n" "$BIN/$bin" --mode "$mode" --chunk 1048576 --threads "$threads"
            expect "$TMP/$n.out" allocated 64
            expect "$TMP/$n.out" bytes $((64 * MiB))
            expect "$TMP/$n.out" first_oom 2
            expect "$TMP/$n.out" free 0
            expect "$TMP/$n.out" total $((64 * MiB))
            expect "$TMP/$n.out" devtotal $((64 * MiB))
            expect "$TMP/$n.out" free_errors 0
            expect "$TMP/$n.out" free_after $((64 * MiB))
            expect "$TMP/$n.out" launch_result 0
            expect "$TMP/$n.out" resolved.cuMemAlloc_v2.lib libcuda.so.1
            expect "$TMP/$n.out" resolved.cuMemAlloc_v2.sym cuMemAlloc_v2
            launch=cuLaunchKernel
            [[ $mode == procaddr-ptsz ]] && launch=cuLaunchKernel_ptsz
            expect "$TMP/$n.out" resolved.cuLaunchKernel.sym $launch
            ledger "$n"
            expect "$TMP/$n.dump" dev0.hwm $((64 * MiB))
            expect "$TMP/$n.dump" dev0.live 0
            expect "$TMP/$n.dump" dev0.allocs 64
            expect "$TMP/$n.dump" dev0.ooms "$threads"
            expect "$TMP/$n.dump" calls.cuMemAlloc_v2 $((64 + threads))
            expect "$TMP/$n.dump" calls.$launch 1
        done
    done
done
# Granule rounding is what counts against the device: 1000 bytes take 4 KiB.
FAKECUDA_TOTAL_MB=1 FAKECUDA_GRANULE=4k run granule "$BIN/alloc_until_oom" --mode dlsym --chunk 1000
expect "$TMP/granule.out" allocated 256

echo "cross-process ledger"
FAKECUDA_LEDGER=$TMP/xp.ledger FAKECUDA_TOTAL_MB=64 \
    "$BIN/alloc_until_oom" --mode direct --chunk 1m --hold-ms 1500 >"$TMP/holder.out" &
holder=$!
for _ in $(seq 100); do grep -q '^devtotal=' "$TMP/holder.out" && break; sleep 0.05; done
FAKECUDA_LEDGER=$TMP/xp.ledger FAKECUDA_TOTAL_MB=64 run second "$BIN/alloc_until_oom-nolink" --mode procaddr --chunk 1m
wait "$holder"
expect "$TMP/holder.out" allocated 64
expect "$TMP/second.out" allocated 0
expect "$TMP/second.out" free 0
ledger xp
expect "$TMP/xp.dump" attaches 2
expect "$TMP/xp.dump" dev0.live 0
expect "$TMP/xp.dump" dev0.hwm $((64 * MiB))
for i in 1 2 3 4; do
    FAKECUDA_LEDGER=$TMP/race.ledger FAKECUDA_TOTAL_MB=64 \
        "$BIN/alloc_until_oom" --mode dlsym --chunk 512k --threads 4 --hold-ms 300 >"$TMP/race$i.out" &
done
wait
total=0
for i in 1 2 3 4; do total=$((total + $(sed -n 's/^allocated=//p' "$TMP/race$i.out"))); done
[[ $total == 128 ]] || { echo "FAIL: racing processes allocated $total x 512 KiB, expected 128" >&2; failures=$((failures + 1)); }

echo "procaddr_probe"
run probe "$BIN/procaddr_probe"
p=$TMP/probe.out
expect "$p" resolver.sym cuGetProcAddress_v2
expect "$p" q.cuGetProcAddress.12000.0.sym cuGetProcAddress_v2
expect "$p" q.cuGetProcAddress.11030.0.sym cuGetProcAddress
expect "$p" q.cuGetProcAddress.11000.0.result 500
expect "$p" q.cuGetProcAddress.11000.0.status 2
expect "$p" q.cuGetProcAddress.11000.0.lib none
expect "$p" q.cuMemAlloc.13000.0.sym cuMemAlloc_v2
expect "$p" q.cuMemAlloc.13000.0.lib libcuda.so.1
expect "$p" q.cuMemAlloc.3000.0.sym cuMemAlloc
expect "$p" q.cuCtxCreate.13000.0.sym cuCtxCreate_v4
expect "$p" q.cuCtxCreate.12000.0.sym cuCtxCreate_v3
expect "$p" q.cuCtxCreate.11040.0.sym cuCtxCreate_v3
expect "$p" q.cuCtxCreate.3020.0.sym cuCtxCreate_v2
expect "$p" q.cuLaunchKernel.13000.0.sym cuLaunchKernel
expect "$p" q.cuLaunchKernel.13000.1.sym cuLaunchKernel
expect "$p" q.cuLaunchKernel.13000.2.sym cuLaunchKernel_ptsz
expect "$p" q.cuNoSuchFunction.13000.0.result 500
expect "$p" q.cuNoSuchFunction.13000.0.status 1
run probe2 "$BIN/procaddr_probe" --init cuDevicePrimaryCtxRelease:11000:0 cuMemAlloc:13010:0
expect "$TMP/probe2.out" init_result 0
expect "$TMP/probe2.out" q.cuDevicePrimaryCtxRelease.11000.0.sym cuDevicePrimaryCtxRelease_v2
expect "$TMP/probe2.out" q.cuMemAlloc.13010.0.result 1

echo "sighandler_host"
for mode in direct dlsym procaddr procaddr-ptsz; do
    run "sig.$mode" "$BIN/sighandler_host" --mode "$mode"
    for k in usr1_handled segv_handled usr1_handled2 segv_handled2; do expect "$TMP/sig.$mode.out" $k 1; done
    expect "$TMP/sig.$mode.out" segv_addr 0
done

echo "stress"
for mode in direct dlsym procaddr procaddr-ptsz; do
    n=stress.$mode
    FAKECUDA_LEDGER=$TMP/$n.ledger FAKECUDA_TOTAL_MB=64 FAKECUDA_GRANULE=2m \
        run "$n" "$BIN/stress" --mode "$mode" --threads 16 --iters 5000 --chunk-min 1 --chunk-max 4m --seed 7
    expect "$TMP/$n.out" errors 0
    expect "$TMP/$n.out" free_errors 0
    expect "$TMP/$n.out" free_after $((64 * MiB))
    ledger "$n"
    expect "$TMP/$n.dump" dev0.live 0
    expect "$TMP/$n.dump" dev0.hwm $((64 * MiB))
    ok=$(sed -n 's/^ok_allocs=//p' "$TMP/$n.out")
    expect "$TMP/$n.dump" dev0.frees "$ok"
done

echo "rtldnext_host"
LD_PRELOAD=$OUT/lib/libnext.so run rtld "$BIN/rtldnext_host"
expect "$TMP/rtld.out" fopen_ok 1
expect "$TMP/rtld.out" next_fopen_calls 1
expect "$TMP/rtld.out" next_cuMemAlloc_v2_lib libcuda.so.1
expect "$TMP/rtld.out" default_cuMemAlloc_v2_lib libcuda.so.1

echo "many devices, CUDA_VISIBLE_DEVICES and NVML"
U=GPU-46414b45-4355-4441-8000-0000000000
export FAKECUDA_DEVICES=2 FAKECUDA_TOTAL_MB=32,64
FAKECUDA_LEDGER=$TMP/multi.ledger CUDA_VISIBLE_DEVICES=1,0 run multi "$BIN/devices" --fill --nvml
expect "$TMP/multi.out" count 2
expect "$TMP/multi.out" cuda0.uuid ${U}01
expect "$TMP/multi.out" cuda0.allocated 64
expect "$TMP/multi.out" cuda1.uuid ${U}00
expect "$TMP/multi.out" cuda1.allocated 32
expect "$TMP/multi.out" nvml0.uuid ${U}00
expect "$TMP/multi.out" nvml0.used $((32 * MiB))
expect "$TMP/multi.out" nvml1.v2_used $((64 * MiB))
expect "$TMP/multi.out" nvml1.v2_free 0
CUDA_VISIBLE_DEVICES=${U}01 run uuidform "$BIN/devices"
expect "$TMP/uuidform.out" count 1
expect "$TMP/uuidform.out" cuda0.total $((64 * MiB))
CUDA_VISIBLE_DEVICES=1,5,0 run stops "$BIN/devices"
expect "$TMP/stops.out" count 1
CUDA_VISIBLE_DEVICES=GPU-46414b45 "$BIN/devices" >"$TMP/ambiguous.out" 2>/dev/null || true
expect "$TMP/ambiguous.out" count ""
unset FAKECUDA_DEVICES FAKECUDA_TOTAL_MB

echo "configuration errors"
FAKECUDA_DEVICES=0 "$BIN/alloc_until_oom" --mode direct --chunk 1 >"$TMP/nodev.out" 2>/dev/null || true
expect "$TMP/nodev.out" error 100
FAKECUDA_TOTAL_MB=lots "$BIN/alloc_until_oom" --mode direct --chunk 1 >"$TMP/badenv.out" 2>/dev/null || true
expect "$TMP/badenv.out" error 1
head -c 4096 /dev/urandom >"$TMP/junk.ledger"
FAKECUDA_LEDGER=$TMP/junk.ledger "$BIN/alloc_until_oom" --mode direct --chunk 1 >"$TMP/junk.out" 2>/dev/null || true
expect "$TMP/junk.out" error 304

if ((failures)); then
    echo "selftest: $failures failure(s)" >&2
    exit 1
fi
echo "selftest: all passed"
