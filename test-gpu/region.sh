#!/usr/bin/env bash
# Many processes under one region on the GPU machine (issue 4): allocation latency p50/p99/max with 1, 16 and 64
# processes, native vs one hami-run tenant; exactness of a shared limit filled by 16 and 64 processes at once; time
# from a SIGKILL to the dead process's usage coming back. Writes $OUT/gpu-region.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=${HAMI_DIST:-launcher/target/hami}
BUILD=$(mktemp -d)
gcc -O2 -I/usr/local/cuda/include -o "$BUILD/contention" test-gpu/src/contention.c -L/usr/local/cuda/lib64/stubs -lcuda
REPS=${HAMI_GPU_REPS:-3}
PYTHONUNBUFFERED=1 python3 - "$BUILD/contention" "$DIST" "$OUT/gpu-region.json" "$REPS" <<'PY'
import json, os, statistics, subprocess, sys, tempfile
prog, dist, out, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
hami = os.path.join(dist, "bin", "hami-run")
regions = tempfile.mkdtemp(prefix="hami-region-")
clean = {k: v for k, v in os.environ.items() if not k.startswith("CUDA_DEVICE_MEMORY") and k != "LD_PRELOAD"}
def run(args, hooked, memory="70g", tag="x"):
    cmd = [prog] + args
    if hooked:
        cmd = [hami, "--memory", memory, "--region", os.path.join(regions, tag + ".region"), "--"] + cmd
    r = subprocess.run(cmd, env=clean, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return {"error": r.returncode, "stderr": r.stderr[-800:]}
    return json.loads(r.stdout.strip().splitlines()[-1])
res = {"latency": [], "fill": [], "kill": []}
for procs in (1, 16, 64):
    pairs = 2000 if procs < 64 else 500
    for rep in range(reps):
        for hooked in ((False, True) if rep % 2 == 0 else (True, False)):
            r = run(["--mode", "latency", "--procs", str(procs), "--pairs", str(pairs)], hooked,
                    tag=f"lat{procs}-{rep}")
            r.update(config="hami-run" if hooked else "native", rep=rep)
            res["latency"].append(r); print("latency", r, flush=True)
for procs in (16, 64):
    r = run(["--mode", "fill", "--procs", str(procs), "--chunk", str(64 << 20)], True, memory="8g", tag=f"fill{procs}")
    r.update(expected_chunks=128, exact=r.get("total_chunks") == 128)
    res["fill"].append(r); print("fill", r, flush=True)
for rep in range(reps):
    r = run(["--mode", "kill", "--chunk", str(256 << 20)], True, memory="4g", tag=f"kill{rep}")
    res["kill"].append(r); print("kill", r, flush=True)
summary = []
for procs in (1, 16, 64):
    for cfg in ("native", "hami-run"):
        rows = [r for r in res["latency"] if r.get("procs") == procs and r["config"] == cfg]
        if rows:
            s = {k: statistics.median(r[k] for r in rows) for k in ("p50_us", "p99_us", "max_us")}
            s.update(procs=procs, config=cfg, reps=len(rows)); summary.append(s)
res["summary"] = summary
json.dump(res, open(out, "w"), indent=1)
print(f"{'procs':>5} {'config':9} {'p50 us':>8} {'p99 us':>8} {'max us':>9}  (medians of {reps} runs; alloc+free 1 MiB)")
for s in summary:
    print(f"{s['procs']:>5} {s['config']:9} {s['p50_us']:8.2f} {s['p99_us']:8.2f} {s['max_us']:9.1f}")
for r in res["fill"]:
    print(f"fill {r.get('procs')} procs under 8g: {r.get('total_chunks')} x 64 MiB (expected 128) exact={r.get('exact')}")
ks = [r["recovered_s"] for r in res["kill"] if "recovered_s" in r]
if ks:
    print(f"SIGKILL -> usage back: median {statistics.median(ks)*1000:.1f} ms, max {max(ks)*1000:.1f} ms over {len(ks)}")
PY
