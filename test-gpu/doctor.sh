#!/usr/bin/env bash
# hami-run doctor and the logging on the GPU machine (issue 8): doctor must pass (exit 0) and agree with nvidia-smi
# on the devices (count, names, total memory) and the driver version; with CUDA_VISIBLE_DEVICES="" it must say why
# CUDA cannot run and exit 3; an allocation refused under a 1 GiB limit must be logged with the pid to
# HAMI_LOG_FILE, nothing of ours on the program's stdout, and LIBCUDA_LOG_LEVEL=0 must keep the warning out.
# Writes $OUT/gpu-doctor.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=${HAMI_DIST:-launcher/target/hami}
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
BUILD=$(mktemp -d)
gcc -O2 -std=c11 -I"$CUDA_HOME/include" -o "$BUILD/fill_limit" test-gpu/src/fill_limit.c \
  -L"$CUDA_HOME/lib64/stubs" -lcuda
PYTHONUNBUFFERED=1 python3 - "$DIST" "$BUILD" "$OUT/gpu-doctor.json" <<'PY'
import json, os, re, subprocess, sys
dist, build, out = sys.argv[1:4]
hami = os.path.join(dist, "bin", "hami-run")
clean = {k: v for k, v in os.environ.items()
         if not k.startswith(("CUDA_DEVICE_MEMORY", "HAMI_", "LIBCUDA_LOG")) and k != "LD_PRELOAD"}
region = os.path.join(build, "doctor.region")

def doctor(extra):
    env = dict(clean, **extra)
    r = subprocess.run([hami, "doctor", "--region", region], env=env, capture_output=True, text=True, timeout=240)
    lines = r.stdout.splitlines()
    checks = {}
    for line in lines:
        m = re.match(r"^(ok|warn|FAIL) +([a-z0-9 ]+): (.*)$", line)
        if m:
            checks[m.group(2)] = {"status": m.group(1), "text": m.group(3)}
    return {"exit": r.returncode, "stdout": r.stdout, "stderr": r.stderr[-2000:], "checks": checks}

smi = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"],
                     capture_output=True, text=True, check=True).stdout.strip().splitlines()
gpus = [[field.strip() for field in row.split(",")] for row in smi]
res = {"nvidia_smi": gpus}

full = doctor({})
res["doctor"] = full
print(full["stdout"], flush=True)
agree = []
for i, (name, mib, driver) in enumerate(gpus):
    line = full["checks"].get(f"device {i}", {}).get("text", "")
    m = re.match(r"^(.*), ([0-9.]+) GiB$", line)
    ok = bool(m) and m.group(1) == name and abs(float(m.group(2)) * 1024 - float(mib)) <= 0.06 * 1024
    agree.append({"device": i, "smi": [name, mib], "doctor": line, "agree": ok})
res["devices_agree"] = agree
nvml = full["checks"].get("nvml", {})
res["driver_version_agrees"] = nvml.get("status") == "ok" and gpus[0][2] in nvml.get("text", "")
res["device_count_agrees"] = f"{len(gpus)} device" in full["checks"].get("driver", {}).get("text", "")

hidden = doctor({"CUDA_VISIBLE_DEVICES": ""})
res["no_visible_devices"] = {k: hidden[k] for k in ("exit", "stdout", "stderr")}
hidden_driver = hidden["checks"].get("driver", {})

def refused(level):
    log = os.path.join(build, f"hami-{level}.log")
    env = dict(clean, HAMI_LOG_FILE=log, LIBCUDA_LOG_LEVEL=level)
    r = subprocess.run([hami, "--memory", "1g", "--region", region, "--", os.path.join(build, "fill_limit"),
                        "--chunk", str(256 << 20), "--no-probe"], env=env, capture_output=True, text=True, timeout=240)
    text = open(log).read() if os.path.exists(log) else ""
    ours_on_stdout = [l for l in r.stdout.splitlines() if "hami-ffm" in l]
    ours_on_stderr = [l for l in r.stderr.splitlines() if l.startswith("[hami-ffm ")]
    return {"exit": r.returncode, "log": text[-2000:], "stdout_ours": ours_on_stdout, "stderr_ours": ours_on_stderr,
            "result": r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""}
res["log_level_2"] = refused("2")
res["log_level_0"] = refused("0")
pid_line = re.search(r"^\[hami-ffm \d+ dev 0\] warn: out of memory", res["log_level_2"]["log"], re.M)
json.dump(res, open(out, "w"), indent=1)

rows = [
    ("doctor exit 0", full["exit"] == 0, f"exit {full['exit']}"),
    ("doctor: no FAIL line", all(c["status"] != "FAIL" for c in full["checks"].values()),
     ", ".join(k for k, c in full["checks"].items() if c["status"] != "ok") or "all ok"),
    ("device count = nvidia-smi", res["device_count_agrees"], full["checks"].get("driver", {}).get("text", "")[:60]),
    ("devices = nvidia-smi", all(a["agree"] for a in agree), f"{sum(a['agree'] for a in agree)}/{len(agree)}"),
    ("driver version = nvidia-smi", res["driver_version_agrees"], gpus[0][2]),
    ("aot cache accepted", full["checks"].get("aot cache", {}).get("status") == "ok", ""),
    ("CUDA_VISIBLE_DEVICES='' exit 3", hidden["exit"] == 3, hidden_driver.get("text", "")[:60]),
    ("OOM logged to HAMI_LOG_FILE", bool(pid_line), "level 2"),
    ("nothing of ours on stdout", not res["log_level_2"]["stdout_ours"] and not res["log_level_0"]["stdout_ours"], ""),
    ("nothing on stderr with a file", not res["log_level_2"]["stderr_ours"], ""),
    ("level 0 keeps warnings out", "warn:" not in res["log_level_0"]["log"], ""),
]
print(f"{'check':34} {'result':6} detail")
for name, ok, detail in rows:
    print(f"{name:34} {'ok' if ok else 'FAIL':6} {detail}")
PY
