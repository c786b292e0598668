#!/usr/bin/env bash
# NVML under a limit on the one-GPU machine (issue 3): with a process of the tenant holding 1 GiB under
# `hami-run --memory 4g`, nvidia-smi's memory.total/used/free and NVML's nvmlDeviceGetMemoryInfo and _v2 (ctypes, and
# pynvml where installed) show 4096 MiB total, 1 GiB + the charged context used, the rest free, native side by
# side; the CUDA_VISIBLE_DEVICES=GPU-<uuid> form gives
# the same in CUDA (cuDeviceTotalMem) and NVML; an NVML-only process maps no JVM, and nvidia-smi's time native vs
# preloaded shows none was started. Writes $OUT/gpu-nvml.json and prints a table last. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=${HAMI_DIST:-launcher/target/hami}
PYTHONUNBUFFERED=1 python3 - "$DIST" "$OUT/gpu-nvml.json" <<'PY'
import json, os, statistics, struct, subprocess, sys, tempfile, time
dist, out = sys.argv[1], sys.argv[2]
hami = os.path.join(dist, "bin", "hami-run")
region = os.path.join(tempfile.mkdtemp(prefix="hami-nvml-"), "nvml.region")
clean = {k: v for k, v in os.environ.items()
         if not k.startswith("CUDA_DEVICE_MEMORY") and k not in ("LD_PRELOAD", "CUDA_VISIBLE_DEVICES")}
MiB = 1 << 20
TENANT = ["--region", region, "--tenant", "nvml-check"]

# A CUDA process of the tenant that holds 1 GiB until killed; prints "held" once it does.
HOLDER = r'''
import ctypes, sys, time
cu = ctypes.CDLL("libcuda.so.1")
ctx, ptr = ctypes.c_void_p(), ctypes.c_uint64()
assert cu.cuInit(0) == 0 and cu.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), 0) == 0 and cu.cuCtxSetCurrent(ctx) == 0
rc = cu.cuMemAlloc_v2(ctypes.byref(ptr), ctypes.c_size_t(1 << 30))
print("held" if rc == 0 else f"alloc failed {rc}", flush=True)
time.sleep(120)
'''
# NVML through ctypes (what pynvml does), plus pynvml itself where installed, and whether a JVM is mapped after.
NVML = r'''
import ctypes, json, os
class M1(ctypes.Structure): _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]
class M2(ctypes.Structure): _fields_ = [("version", ctypes.c_uint), ("total", ctypes.c_ulonglong), ("reserved", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]
nv = ctypes.CDLL("libnvidia-ml.so.1")
h, uuid = ctypes.c_void_p(), ctypes.create_string_buffer(96)
assert nv.nvmlInit_v2() == 0 and nv.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(h)) == 0
nv.nvmlDeviceGetUUID(h, uuid, 96)
m1, m2 = M1(), M2(version=ctypes.sizeof(M2) | (2 << 24))
r = {"uuid": uuid.value.decode(), "rc1": nv.nvmlDeviceGetMemoryInfo(h, ctypes.byref(m1)),
     "rc2": nv.nvmlDeviceGetMemoryInfo_v2(h, ctypes.byref(m2))}
r.update(v1={k: getattr(m1, k) for k in ("total", "used", "free")},
         v2={k: getattr(m2, k) for k in ("total", "reserved", "used", "free")})
try:
    import pynvml
    pynvml.nvmlInit()
    m = pynvml.nvmlDeviceGetMemoryInfo(pynvml.nvmlDeviceGetHandleByIndex(0))
    r["pynvml"] = {"total": m.total, "used": m.used, "free": m.free}
except Exception as e:
    r["pynvml"] = {"error": repr(e)[:200]}
r["jvm"] = any("libjvm" in line for line in open("/proc/self/maps"))
print(json.dumps(r))
'''
CUDA_TOTAL = r'''
import ctypes
cu = ctypes.CDLL("libcuda.so.1"); n, t = ctypes.c_int(), ctypes.c_size_t()
assert cu.cuInit(0) == 0 and cu.cuDeviceGetCount(ctypes.byref(n)) == 0 and cu.cuDeviceTotalMem_v2(ctypes.byref(t), 0) == 0
print(n.value, t.value)
'''

def run(cmd, hooked, env=None, extra=()):
    if hooked:
        cmd = [hami, *TENANT, *extra, "--"] + cmd
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=env or clean, capture_output=True, text=True, timeout=120)
    return r, time.monotonic() - t0

def smi(hooked, env=None):
    r, s = run(["nvidia-smi", "-i", "0", "--query-gpu=memory.total,memory.used,memory.free",
                "--format=csv,noheader,nounits"], hooked, env)
    if r.returncode != 0:
        return {"error": r.returncode, "stderr": r.stderr[-400:]}, s
    total, used, free = (int(x) for x in r.stdout.strip().splitlines()[0].split(","))
    return {"total_mib": total, "used_mib": used, "free_mib": free}, s

def nvml(hooked, env=None):
    r, _ = run([sys.executable, "-c", NVML], hooked, env)
    return json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else {"error": r.returncode, "stderr": r.stderr[-400:]}

res = {"native": {}, "hooked": {}}
holder = subprocess.Popen([hami, *TENANT, "--memory", "4g", "--", sys.executable, "-c", HOLDER], env=clean,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    res["holder"] = holder.stdout.readline().strip()
    res["native"]["smi"], _ = smi(False)
    res["hooked"]["smi"], _ = smi(True)
    res["native"]["nvml"] = nvml(False)
    res["hooked"]["nvml"] = nvml(True)
    uuid = res["native"]["nvml"].get("uuid", "")
    by_uuid = dict(clean, CUDA_VISIBLE_DEVICES=uuid)
    res["uuid_form"] = {"uuid": uuid, "smi": smi(True, by_uuid)[0], "nvml": nvml(True, by_uuid)}
    r, _ = run([sys.executable, "-c", CUDA_TOTAL], True, by_uuid)
    res["uuid_form"]["cuda"] = r.stdout.strip() if r.returncode == 0 else {"error": r.returncode, "stderr": r.stderr[-400:]}
    # timed with the preload and the environment hami-run gives its command, not through hami-run (its own JVM
    # start would hide what matters: whether nvidia-smi itself starts one)
    preloaded = dict(clean, LD_PRELOAD=os.path.abspath(os.path.join(dist, "lib", "libhami.so")), HAMI_TENANT="nvml-check",
                     CUDA_DEVICE_MEMORY_SHARED_CACHE=region, CUDA_DEVICE_MEMORY_LIMIT=str(4 << 30))
    res["preloaded_smi"] = smi(False, preloaded)[0]
    times = {"native": [], "hooked": []}
    for rep in range(5):
        for hooked in ((False, True) if rep % 2 == 0 else (True, False)):
            times["hooked" if hooked else "native"].append(smi(False, preloaded if hooked else None)[1])
    res["smi_seconds"] = {k: {"median": statistics.median(v), "all": v} for k, v in times.items()}
finally:
    holder.kill()
    holder.wait()

h, u = res["hooked"], res["uuid_form"]
hv1, hv2 = h["nvml"].get("v1", {}), h["nvml"].get("v2", {})
# the tenant's usage is the holder's 1 GiB plus its context, charged at the size recorded in the region's first
# device record (docs/region.md: DEVICES_OFFSET at 80 in the header, DEVICE_CONTEXT_BYTES at 32 in the record)
with open(region, "rb") as f:
    raw = f.read()
devices_offset = struct.unpack_from("<q", raw, 80)[0]
context = struct.unpack_from("<q", raw, devices_offset + 32)[0]
res["context_bytes"] = context
used = 1024 * MiB + context
expect = {"total": 4096 * MiB, "used": used, "free": 4096 * MiB - used}
smi_expect = (4096, used // MiB, (4096 * MiB - used) // MiB)
checks = {
    "holder held 1 GiB": res["holder"] == "held",
    "nvidia-smi total/used/free = 4096/1024+context/rest": (h["smi"].get("total_mib"),) == smi_expect[:1]
        and all(abs((h["smi"].get(k) or 0) - v) <= 1 for k, v in zip(("used_mib", "free_mib"), smi_expect[1:])),
    "nvml v1 = limit, tenant use, rest": all(hv1.get(k) == v for k, v in expect.items()),
    "nvml v2 = limit, tenant use, rest": all(hv2.get(k) == v for k, v in expect.items()),
    "nvml v2 reserved+used+free = total": sum(hv2.get(k, 0) for k in ("reserved", "used", "free")) == hv2.get("total"),
    "pynvml (if installed) = limit": "error" in h["nvml"].get("pynvml", {}) or h["nvml"]["pynvml"].get("total") == 4096 * MiB,
    "GPU-<uuid> form: nvidia-smi total 4096": u["smi"].get("total_mib") == 4096,
    "GPU-<uuid> form: NVML total = limit": u["nvml"].get("v1", {}).get("total") == 4096 * MiB,
    "GPU-<uuid> form: CUDA sees 1 device of 4 GiB": u.get("cuda") == f"1 {4096 * MiB}",
    "NVML-only process maps no JVM": h["nvml"].get("jvm") is False,
    "nvidia-smi preloaded shows the limit": res["preloaded_smi"].get("total_mib") == 4096,
    "nvidia-smi preloaded within 0.1 s of native (no JVM)": res["smi_seconds"]["hooked"]["median"] - res["smi_seconds"]["native"]["median"] < 0.1,
}
res["checks"] = checks
json.dump(res, open(out, "w"), indent=1)
n = res["native"]["smi"]
print(f"{'view':28} {'total MiB':>10} {'used MiB':>10} {'free MiB':>10}")
print(f"{'nvidia-smi native':28} {n.get('total_mib', '-'):>10} {n.get('used_mib', '-'):>10} {n.get('free_mib', '-'):>10}")
print(f"{'nvidia-smi hami-run 4g':28} {h['smi'].get('total_mib', '-'):>10} {h['smi'].get('used_mib', '-'):>10} {h['smi'].get('free_mib', '-'):>10}")
for name, m in (("nvml v1 hami-run", hv1), ("nvml v2 hami-run", hv2), ("nvml v1 GPU-<uuid>", u["nvml"].get("v1", {}))):
    print(f"{name:28} {m.get('total', 0) // MiB:>10} {m.get('used', 0) // MiB:>10} {m.get('free', 0) // MiB:>10}")
t = res["smi_seconds"]
print(f"nvidia-smi median time: native {t['native']['median']:.3f} s, preloaded {t['hooked']['median']:.3f} s")
for name, ok in checks.items():
    print(f"{'PASS' if ok else 'FAIL'}  {name}")
sys.exit(0 if all(checks.values()) else 1)
PY
