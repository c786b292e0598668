#!/usr/bin/env bash
# The Kubernetes drop-in on a real GPU (docs/kubernetes.md): the built dist copied, chmod -R a-w and bind-mounted
# read-only (unshare; where that is refused, mode bits only, and the JSON says so), LD_PRELOAD standing for
# /etc/ld.so.preload, HAMi's environment only (no hami-run). PyTorch (else CuPy) allocates 256 MiB blocks until OOM
# or 32 blocks: native, hooked under CUDA_DEVICE_MEMORY_LIMIT_0=4096m (with the AOT cache forced on), and hooked with
# CUDA_DISABLE_CONTROL=true. Then hami-run monitor --regions-dir, from the same read-only dist, is scraped while a
# hooked process holds 1 GiB, and stopped with SIGTERM. Writes $OUT/gpu-kubernetes.json and prints a table last.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=$(cd "${HAMI_DIST:-launcher/target/hami}" && pwd -P)
WORK=$(mktemp -d)
RO="$WORK/usr/local/vgpu/hami"
mkdir -p "$(dirname "$RO")" "$WORK/containers/pod-1_main"
cp -a "$DIST" "$RO"
chmod -R a-w "$RO"
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
PYTHONUNBUFFERED=1 timeout 280 python3 - "$RO" "$WORK" "$OUT/gpu-kubernetes.json" <<'PY'
import json, os, re, signal, subprocess, sys, time, urllib.request
ro, work, out = sys.argv[1], sys.argv[2], sys.argv[3]
region = os.path.join(work, "containers/pod-1_main/3f2c1a54.cache")
wrap = ["unshare", "--map-root-user", "--mount", "sh", "-c",
        'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" || exit 98; '
        'if touch "$0/lib/.w" 2>/dev/null; then exit 99; fi; exec "$@"', ro]
ro_mount = subprocess.run(wrap + ["true"], capture_output=True).returncode == 0
if not ro_mount:
    wrap = []  # mode bits only: a root process could still write; recorded below
WORKLOAD = r'''
import json, sys, time
cap, hold = int(sys.argv[1]), float(sys.argv[2])
try:
    import torch
    def alloc(n): return torch.empty(n, dtype=torch.uint8, device="cuda")
    def info(): return torch.cuda.mem_get_info()
    lib = "torch"
except ImportError:
    import cupy
    def alloc(n): return cupy.empty(n, dtype=cupy.uint8)
    def info(): return cupy.cuda.runtime.memGetInfo()
    lib = "cupy"
blocks, error = [], None
free, total = info()
while len(blocks) < cap:
    try:
        blocks.append(alloc(256 << 20))
    except Exception as e:
        error = type(e).__name__ + ": " + str(e).splitlines()[0][:200]
        break
print(json.dumps({"lib": lib, "blocks": len(blocks), "total": total, "error": error}), flush=True)
time.sleep(hold)
'''
clean = {k: v for k, v in os.environ.items()
         if not k.startswith(("CUDA_DEVICE_", "HAMI_", "CUDA_DISABLE")) and k != "LD_PRELOAD"}
def hami_env(**extra):
    env = dict(clean, LD_PRELOAD=os.path.join(ro, "lib/libhami.so"), CUDA_DEVICE_MEMORY_LIMIT_0="4096m",
               CUDA_DEVICE_SM_LIMIT="50", CUDA_DEVICE_MEMORY_SHARED_CACHE=region)
    env.update(extra)
    return env
def workload(env, cap=32, hold=0.0, wrapped=True):
    r = subprocess.run((wrap if wrapped else []) + [sys.executable, "-c", WORKLOAD, str(cap), str(hold)], env=env,
                       capture_output=True, text=True, timeout=120)
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    res = json.loads(lines[-1]) if lines else {}
    res.update(rc=r.returncode, stderr=r.stderr[-600:], stdout_lines=len(r.stdout.splitlines()))
    return res
res = {"ro_mount": ro_mount, "runs": {}}
res["runs"]["native"] = workload(clean, wrapped=False)
res["runs"]["hami_env"] = workload(hami_env(HAMI_JVM_OPTIONS="-XX:AOTMode=on"))
res["runs"]["hami_env"]["region_created"] = os.path.exists(region)
if os.path.exists(region):
    os.remove(region)
res["runs"]["disable_control"] = workload(hami_env(CUDA_DISABLE_CONTROL="true"))
res["runs"]["disable_control"]["region_created"] = os.path.exists(region)

# the monitor, from the read-only dist, over the directory of container regions
mon = subprocess.Popen(wrap + [os.path.join(ro, "bin/hami-run"), "monitor", "--regions-dir",
                       os.path.join(work, "containers"), "--listen", "127.0.0.1:0"], env=clean,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = mon.stderr.readline()
m = re.search(r"http://127\.0\.0\.1:(\d+)/metrics", line)
monitor = {"first_line": line.strip()}
if m:
    holder = subprocess.Popen(wrap + [sys.executable, "-c", WORKLOAD, "4", "20"], env=hami_env(), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    held = json.loads(holder.stdout.readline())
    body = urllib.request.urlopen(f"http://127.0.0.1:{m.group(1)}/metrics", timeout=10).read().decode()
    holder.kill(); holder.wait()
    def sample(name):
        for l in body.splitlines():
            if l.startswith(name + "{") and 'tenant="default"' in l and 'device="0"' in l:
                return float(l.rsplit(" ", 1)[1])
    monitor.update(held_blocks=held.get("blocks"), used=sample("hami_tenant_memory_used_bytes"),
                   limit=sample("hami_tenant_memory_limit_bytes"),
                   up=sum(1 for l in body.splitlines() if l.startswith("hami_region_up{") and l.endswith(" 1.0")))
    mon.send_signal(signal.SIGTERM)
    monitor["exit"] = mon.wait(timeout=30)
else:
    mon.kill(); mon.wait()
    monitor["stderr"] = mon.stderr.read()[-600:]
res["monitor"] = monitor
lim = 4096 << 20
n, h, d = res["runs"]["native"], res["runs"]["hami_env"], res["runs"]["disable_control"]
checks = {
    "native goes past 4 GiB": n.get("blocks", 0) * (256 << 20) > lim,
    "hami env: at most 4 GiB": 0 < h.get("blocks", 0) * (256 << 20) <= lim and h.get("error") is not None,
    "hami env: mem_get_info total = limit": h.get("total") == lim,
    "hami env: region at CUDA_DEVICE_MEMORY_SHARED_CACHE": h.get("region_created") is True,
    "hami env: nothing on stdout but the workload": h.get("stdout_lines") == 1,
    "disable control: past 4 GiB, no region": d.get("blocks", 0) * (256 << 20) > lim and not d.get("region_created"),
    "monitor: used >= 1 GiB held, limit 4 GiB": (monitor.get("used") or 0) >= (1 << 30) and monitor.get("limit") == lim,
    "monitor: SIGTERM -> exit 143": monitor.get("exit") == 143,
}
res["checks"] = checks
json.dump(res, open(out, "w"), indent=1)
print(f"read-only bind mount: {ro_mount}   workload: {n.get('lib')}")
print(f"{'run':16} {'blocks x256MiB':>14} {'mem total MiB':>13}  error")
for k in ("native", "hami_env", "disable_control"):
    r = res["runs"][k]
    print(f"{k:16} {r.get('blocks', '-')!s:>14} {(r.get('total') or 0) >> 20:>13}  {(r.get('error') or '')[:60]} rc={r['rc']}")
print(f"monitor: used={monitor.get('used')} limit={monitor.get('limit')} exit={monitor.get('exit')}")
for name, ok in checks.items():
    print(f"{'PASS' if ok else 'FAIL'}  {name}")
print(f"gpu-kubernetes: {sum(checks.values())} passed, {len(checks) - sum(checks.values())} failed")
sys.exit(0 if all(checks.values()) else 1)
PY
