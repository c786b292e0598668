#!/usr/bin/env bash
# A running PyTorch job meets a limit changed under it (docs/tutorial-jshell.md, part 2; docs/library.md): the job
# (test-gpu/src/live_job.py: 1 GiB tensors every 250 ms, frees one and empties its cache on each OOM) runs natively
# (climbs to its cap of 10 GiB), then under hami-run --memory 8g; once the region shows 8 GiB in use, the limit of
# GPU 0 is lowered to 4 GiB through the same code path as the Java library (TenantSettings, via hami-run set). Checks:
# the job reached 8 GiB and never more before the change; after it, usage fell to <= 4 GiB and stayed there; the job
# saw CUDA OOMs; nothing foreign on the job's stdout. Writes $OUT/gpu-live-limit.json, prints a table last. ~1 min.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=${HAMI_DIST:-launcher/target/hami}
PYTHONUNBUFFERED=1 "${PYTHON:-python3}" - "$DIST" "$OUT/gpu-live-limit.json" "${PYTHON:-python3}" <<'PY'
import json, os, subprocess, sys, tempfile, threading, time
dist, out, python = sys.argv[1], sys.argv[2], sys.argv[3]
hami = os.path.join(dist, "bin", "hami-run")
job = [python, "test-gpu/src/live_job.py", "--cap", "10"]
GIB = 1 << 30
region = os.path.join(tempfile.mkdtemp(prefix="hami-live-"), "live.region")
tenant = "live-%d" % os.getpid()
clean = {k: v for k, v in os.environ.items() if not k.startswith("CUDA_DEVICE_MEMORY") and k != "LD_PRELOAD"}
res = {"region": region, "tenant": tenant}

def lines(text):
    parsed, foreign = [], []
    for line in text.splitlines():
        try:
            parsed.append(json.loads(line))
        except ValueError:
            foreign.append(line)
    return parsed, foreign

# native, side by side: the same job without hami-ffm climbs to its cap
native = subprocess.run(job + ["--seconds", "5"], env=clean, capture_output=True, text=True, timeout=120)
steps, foreign = lines(native.stdout)
res["native"] = {"exit": native.returncode, "max_held_mib": max([s.get("held_mib", 0) for s in steps] or [0]),
                 "stderr": native.stderr[-400:]}

def used():
    r = subprocess.run([hami, "status", "--json", "--region", region], env=clean, capture_output=True, text=True)
    if r.returncode != 0:
        return None
    for t in json.loads(r.stdout)["tenants"]:
        if t["name"] == tenant:
            return sum(d["usedBytes"] for d in t["devices"] if d["device"] == 0)
    return None

proc = subprocess.Popen([hami, "--tenant", tenant, "--memory", "8g", "--region", region, "--"] + job
                        + ["--seconds", "45"], env=clean, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
start, samples, t_set, t_fell = time.time(), [], None, None
while proc.poll() is None and time.time() - start < 60:
    u = used()
    now = round(time.time() - start, 2)
    if u is not None:
        samples.append([now, u])
        if t_set is None and u >= 8 * GIB:
            s = subprocess.run([hami, "set", "--tenant", tenant, "--device-memory", "0=4g", "--region", region],
                               env=clean, capture_output=True, text=True)
            res["set"] = {"exit": s.returncode, "stdout": s.stdout.strip(), "stderr": s.stderr.strip()}
            t_set = now
        elif t_set is not None and t_fell is None and u <= 4 * GIB:
            t_fell = now
        elif t_fell is not None and now - t_fell > 10:
            break
    time.sleep(0.1)
proc.terminate()
stdout, stderr = proc.communicate(timeout=60)
steps, foreign = lines(stdout)
before = [u for t, u in samples if t_set is None or t <= t_set]
after = [u for t, u in samples if t_fell is not None and t >= t_fell]
res["hooked"] = {
    "peak_before_set_gib": max(before or [0]) / GIB, "set_at_s": t_set, "fell_to_4g_at_s": t_fell,
    "seconds_to_fall": None if t_set is None or t_fell is None else round(t_fell - t_set, 2),
    "max_after_fall_gib": max(after or [0]) / GIB, "refusals_seen_by_job": sum(1 for s in steps if s.get("refused")),
    "oom_message": next((s["oom_message"] for s in steps if "oom_message" in s), None),
    "foreign_stdout_lines": foreign[:5], "stderr": stderr[-600:], "samples": samples}
h = res["hooked"]
checks = {
    "native job reached its cap (10 GiB)": res["native"]["max_held_mib"] == 10 * 1024,
    "hooked job reached 8 GiB and no more": h["peak_before_set_gib"] == 8,
    "hami-run set succeeded": res.get("set", {}).get("exit") == 0,
    "usage fell to <= 4 GiB after the change": t_fell is not None,
    "and stayed <= 4 GiB for 10 s": t_fell is not None and h["max_after_fall_gib"] <= 4,
    "the job saw CUDA OOM refusals": h["refusals_seen_by_job"] > 0,
    "nothing foreign on the job's stdout": not foreign,
}
res["checks"] = checks
json.dump(res, open(out, "w"), indent=1)
print("\n%-45s %s" % ("live-limit check", "result"))
for name, ok in checks.items():
    print("%-45s %s" % (name, "PASS" if ok else "FAIL"))
print("native max %d MiB; hooked peak %.1f GiB; set at %s s; <= 4 GiB %s s later; max after %.2f GiB; %d refusals"
      % (res["native"]["max_held_mib"], h["peak_before_set_gib"], t_set, h["seconds_to_fall"],
         h["max_after_fall_gib"], h["refusals_seen_by_job"]))
sys.exit(0 if all(checks.values()) else 1)
PY
