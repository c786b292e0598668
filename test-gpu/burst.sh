#!/usr/bin/env bash
# test-gpu/burst.sh - 8 tenants starting at once on a fresh region, beside 8 on a region that knows the context size
# (docs/startup.md): only one of the fresh ones may measure the context (one throwaway context per device), and
# none may wait for it. Writes $OUT/burst.json; prints medians. Needs the distribution (HAMI_DIST) and nvidia GPU.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DIST=$(cd "${HAMI_DIST:-launcher/target/hami}" && pwd)
OUT_DIR=${OUT:-$ROOT/test-gpu/out}
mkdir -p "$OUT_DIR"
W=$(mktemp -d /tmp/hami-burst.XXXXXX)
unset LD_PRELOAD CUDA_DEVICE_MEMORY_SHARED_CACHE HAMI_JVM_OPTIONS HAMI_TENANT || true
link=${HAMI_TEST_CUDA_LIB_DIR:-/usr/local/cuda/lib64/stubs}
gcc -O2 -o "$W/startup_bench" benchmarks/native/startup_bench.c
gcc -O2 -I/usr/local/cuda/include -o "$W/probe" benchmarks/native/startup_probe.c -L"$link" -lcuda
RUN="$DIST/bin/hami-run --memory 8g"
"$DIST/bin/hami-run" --memory 8g --region "$W/warm.region" -- "$W/probe" >/dev/null 2>&1
"$W/startup_bench" --reps 1 --concurrent 8 --label burst-8 --timeout-s 240 \
    -v native "$W/probe --settle-ms 2000" \
    -v warm "$RUN --region $W/warm.region -- $W/probe --settle-ms 2000" \
    -v fresh "LIBCUDA_LOG_LEVEL=info HAMI_LOG_FILE=$OUT_DIR/burst-fresh.log $RUN --region $W/fresh.region -- $W/probe --settle-ms 2000" \
    >"$OUT_DIR/burst.json"
python3 - "$OUT_DIR/burst.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for name, v in d["variants"].items():
    print("%-7s first_call %.1f ms  alloc %.1f ms  pss %.1f MiB" % (name, v["first_call_ns"]["median"] / 1e6,
          v["alloc_ns"]["median"] / 1e6, v["pss_kb"]["median"] / 1024))
PY
echo "measurements on the fresh region: $(grep -c 'measured once' "$OUT_DIR/burst-fresh.log" || true) (expected 1)"
