#!/usr/bin/env bash
# Frameworks under hami-run --memory 4g, next to native (issue 3): PyTorch with its default allocator, with
# expandable_segments (VMM) and with the cudaMallocAsync backend, CuPy's pool, and JAX (which preallocates 75 % of
# the total it is told). Writes $OUT/gpu-frameworks.json and prints a table.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=${HAMI_DIST:-launcher/target/hami}
REGIONS=$(mktemp -d)
LIMIT=${HAMI_FW_LIMIT:-4g}
export PYTHONUNBUFFERED=1
results=()
for case in torch-default torch-expandable torch-async cupy jax; do
  for config in native hami-run; do
    if [ "$config" = native ]; then
      line=$(timeout 300 python3 test-gpu/src/frameworks.py "$case" 2>"$REGIONS/$case-$config.err" | tail -1)
    else
      line=$(timeout 300 "$DIST/bin/hami-run" --memory "$LIMIT" --region "$REGIONS/$case.region" -- \
        python3 test-gpu/src/frameworks.py "$case" 2>"$REGIONS/$case-$config.err" | tail -1)
    fi
    rc=$?
    [ -n "$line" ] || line="{\"case\":\"$case\",\"error\":$rc,\"stderr\":$(tail -c 600 "$REGIONS/$case-$config.err" | python3 -c 'import json,sys;print(json.dumps(sys.stdin.read()))')}"
    results+=("$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["config"]=sys.argv[2]; print(json.dumps(d))' "$line" "$config")")
    echo "$config $line"
  done
done
printf '%s\n' "${results[@]}" | python3 test-gpu/src/frameworks_report.py "$LIMIT" "$OUT/gpu-frameworks.json"
