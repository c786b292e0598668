#!/usr/bin/env bash
# benchmarks/native/startup.sh - the startup figures of docs/startup.md on the build machine, against the fake driver
# of hami-ffm/src/test/c (no GPU). The GPU machine's counterpart is test-gpu/startup.sh.
#
#   bash benchmarks/native/startup.sh        (after mvn package: needs launcher/target/hami)
#
# Interleaved, medians: first call (main() -> first cuMemAlloc after cuInit and cuDevicePrimaryCtxRetain) native vs
# under the preload with a limit, with no pause and with 100 ms of host work between the context and the first
# allocation (what a real driver's context creation gives the background boot); RSS/PSS of 1 and 8 booted processes
# (8 hami-run tenants); /bin/true x1000 with and without the preload; the distribution's size; the regression guard
# (exit 1 when it fails).
# Writes one JSON object per measurement to $OUT/startup-build.jsonl (default target/startup/) and prints medians.
# Knobs: HAMI_DIST, HAMI_STARTUP_REPS (default 15), HAMI_STARTUP_BASELINE (another distribution, e.g. a copy of the
# last build's launcher/target/hami: its first call runs interleaved beside this one's, and the script also judges this
# one against it, which a shared machine's load cannot flip: docs/startup.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
DIST=$(cd "${HAMI_DIST:-launcher/target/hami}" && pwd)
REPS=${HAMI_STARTUP_REPS:-15}
OUT_DIR=${OUT:-$ROOT/target/startup}
mkdir -p "$OUT_DIR"
W=$(mktemp -d /tmp/hami-startup-build.XXXXXX)
trap 'rm -rf "$W"' EXIT
make -s -C hami-ffm/src/test/c OUT="$W/t" "$W/t/fake/libcuda.so.1" "$W/t/fake/libcuda.so" >/dev/null
gcc -O2 -o "$W/startup_bench" benchmarks/native/startup_bench.c
gcc -O2 -I"${CUDA_INCLUDE:-/usr/local/cuda/include}" -o "$W/startup_probe" benchmarks/native/startup_probe.c \
    -L"$W/t/fake" -lcuda
# contexts take memory, as on a GPU: the first boot measures their size once and records it in the region, and
# every later boot reads it (with 0 MiB nothing is measurable, and every boot would measure again)
export LD_LIBRARY_PATH=$W/t/fake FAKECUDA_TOTAL_MB=1024 FAKECUDA_LEDGER=$W/ledger FAKECUDA_CONTEXT_MB=64
unset LD_PRELOAD HAMI_JVM_OPTIONS HAMI_TENANT HAMI_HOOK_ALL CUDA_DEVICE_MEMORY_SHARED_CACHE || true
while read -r v; do unset "$v"; done < <(compgen -e | grep '^CUDA_DEVICE_MEMORY_LIMIT' || true)
P=$W/startup_probe
HAMI="LD_PRELOAD=$DIST/lib/libhami.so CUDA_DEVICE_MEMORY_LIMIT=1g CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/r.region"
JSONL=$OUT_DIR/startup-build.jsonl
: >"$JSONL"
bench() {
    "$W/startup_bench" "$@" >"$W/last.json"
    python3 - "$W/last.json" >>"$JSONL" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(d))
print("%s (reps %d, concurrent %d)" % (d["label"], d["reps"], d["concurrent"]), file=sys.stderr)
for name, v in d["variants"].items():
    keys = {k: s["median"] for k, s in v.items() if isinstance(s, dict) and "median" in s}
    text = " ".join("%s=%.2fms" % (k[:-3], m / 1e6) if k.endswith("_ns") else "%s=%g" % (k, m) for k, m in keys.items())
    print("  %-10s failures=%d foreign_stdout=%d %s" % (name, v["failures"], v["foreign_stdout_lines"], text),
          file=sys.stderr)
PY
}
BASELINE=()
if [[ -n ${HAMI_STARTUP_BASELINE:-} ]]; then
    BASE=$(cd "$HAMI_STARTUP_BASELINE" && pwd)
    [[ -f $BASE/lib/libhami.so ]] || { echo "startup.sh: no lib/libhami.so in HAMI_STARTUP_BASELINE=$BASE" >&2; exit 2; }
    # its own region: two builds may disagree on a region's layout
    BASELINE=(-v baseline "LD_PRELOAD=$BASE/lib/libhami.so CUDA_DEVICE_MEMORY_LIMIT=1g CUDA_DEVICE_MEMORY_SHARED_CACHE=$W/b.region $P")
fi
bench --reps "$REPS" --label first-call -v native "$P" -v hami "$HAMI $P" "${BASELINE[@]}"
bench --reps "$REPS" --label first-call-gap100 -v native "$P --gap-ms 100" -v hami "$HAMI $P --gap-ms 100"
bench --reps 3 --label pss-1 -v native "$P --settle-ms 1500" \
    -v hami-run "$DIST/bin/hami-run --memory 1g --region $W/p1.region -- $P --settle-ms 1500"
bench --reps 1 --concurrent 8 --label pss-8 -v native "$P --settle-ms 4000" \
    -v hami-run "$DIST/bin/hami-run --memory 1g --region $W/p8.region -- $P --settle-ms 4000"
bench --reps 1000 --label true-x1000 -v native /bin/true -v preload "$HAMI /bin/true"
du -sb "$DIST" "$DIST/runtime" "$DIST/lib/hami.aot" "$DIST/runtime/lib/server/libjvm.so" | sed 's/^/size /'
echo "JSON: $JSONL"
# the regression guard between GPU runs (docs/startup.md): what the boot adds where the program does 100 ms of work
# between its context and its first allocation, as a GPU driver's context creation does; the plain first call is
# shown beside it (the fake driver creates contexts in microseconds, so it shows the whole boot)
python3 - "$JSONL" <<'PY'
import json, sys
runs = {d["label"]: d for d in map(json.loads, open(sys.argv[1]))}
def added(label):
    v = runs[label]["variants"]
    return (v["hami"]["first_call_ns"]["median"] - v["native"]["first_call_ns"]["median"]) / 1e6
gap, plain = added("first-call-gap100"), added("first-call")
print("guard: first call with 100 ms between context and allocation +%.1f ms (limit 100): %s; plain first call +%.1f ms"
      % (gap, "PASS" if gap <= 100 else "FAIL", plain))
ok = gap <= 100
baseline = runs["first-call"]["variants"].get("baseline")
if baseline:
    # the same machine at the same moment: a regression shows as a ratio, whatever the load
    ratio = runs["first-call"]["variants"]["hami"]["first_call_ns"]["median"] / baseline["first_call_ns"]["median"]
    print("guard: plain first call %.2f x the baseline's in the same run (limit 1.10): %s"
          % (ratio, "PASS" if ratio <= 1.10 else "FAIL"))
    ok = ok and ratio <= 1.10
sys.exit(0 if ok else 1)
PY
