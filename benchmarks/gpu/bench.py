#!/usr/bin/env python3
"""Runs gpubench parts on the GPU machine: every configuration interleaved, repeated, one JSON file per part.

    bench.py --bin GPUBENCH --dist DIST --out DIR [--ref-lib LIB] [--reps N] [--budget S] [--dry] [--quick]
             [--configs native,hami,...] [--interposer NAME=LIB[:K=V...]]... PART...

Called by benchmarks/gpu/run.sh, which builds gpubench first; see benchmarks/README.md. Python 3 standard library only
(the GPU machine has no Java). Writes DIR/bench-<part>.json (the raw runs, the environment, the checks and a summary)
and prints a table per part. The report (io.hami.bench.report.Report, on the build machine) reads the same JSON.

A region file is fresh for every run, except in the cases marked "region": "kept": there each configuration keeps
one file across its repetitions, as the processes of a pod share theirs. The first process on a fresh region measures
the device's context size (throwaway contexts, ~300 ms on an H200, once per region and device); with "kept" that is
the warm-up's business, and the "-fresh" twin of such a case reports it.

Configurations:
  native        the command as is
  hami          hami-run --memory LIMIT --region <region file> -- CMD       (the launcher: its own JVM, then exec)
  hami-env      LD_PRELOAD=libhami.so CUDA_DEVICE_MEMORY_LIMIT=LIMIT ...     (HAMi's environment mode, as in a pod)
  hami-preload  LD_PRELOAD=libhami.so, no limit                            (pure pass-through: no JVM)
  hami-hookall  LD_PRELOAD=libhami.so HAMI_HOOK_ALL=1                      (every export upcalls, no limit)
  NAME          from --interposer NAME=LIB[:K=V...]: LD_PRELOAD=LIB plus K=V. Values may use {limit} (e.g. 60g),
                {limit_bytes} and {region} (the run's region file). CUDA_DEVICE_MEMORY_LIMIT={limit} and
                CUDA_DEVICE_MEMORY_SHARED_CACHE={region} are added unless the spec sets them (HAMi-core's names).
                LIB "@ref" is the reference interposer built by run.sh (benchmarks/native/ref_interposer.c).
"""
import argparse
import hashlib
import json
import math
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

GIB = 1 << 30
SCHEMA = "hami-bench/1"

# ------------------------------------------------------------------ parts


def parts_table(q, limits):
    """Each part: limit for the limited configurations, default configurations, cases. A case runs once per
    configuration per repetition; rep 0 is a warm-up (kept in the JSON as such, never in the statistics)."""
    scale = ["--scale", "0.05"] if q else []
    procs = (1, 2, 4) if q else (1, 4, 16)
    lim = limits["part"]

    return {
        "calls": {
            "title": "Driver calls: launch, launch+sync, cuMemGetInfo, alloc/free by size",
            "limit": limits["overhead"], "configs": ["native", "hami"], "reps": 9,
            "cases": [{"case": "calls", "args": ["calls"] + scale, "timeout": 240, "est": 8}],
        },
        "startup": {
            "title": "Context creation with a real reset; first CUDA call in a fresh process",
            "limit": limits["overhead"], "configs": ["native", "hami", "hami-env"], "reps": 7,
            "cases": [
                {"case": "ctx", "args": ["ctx", "--iters", "3" if q else "10"], "timeout": 180, "est": 5,
                 "region": "kept"},
                {"case": "firstcall", "args": ["firstcall"], "timeout": 120, "est": 3, "reps": 3 if q else 11,
                 "region": "kept"},
                {"case": "firstcall-fresh", "args": ["firstcall"], "timeout": 120, "est": 3, "reps": 2 if q else 3},
            ],
        },
        "tenants": {
            "title": "Allocation latency under N concurrent processes (1 MiB alloc+free pairs, anchor held)",
            "limit": limits["overhead"], "configs": ["native", "hami"], "reps": 5,
            "cases": [
                {"case": f"pairs-p{n}", "args": ["multi", "--workload", "pairs", "--procs", str(n), "--ops",
                                                 "200" if q else "2000", "--bytes", "1M"],
                 "timeout": 240, "est": 3 + n / 2, "procs": n, "threads": 1} for n in procs
            ] + [
                {"case": "pairs-t8", "args": ["multi", "--workload", "pairs", "--procs", "1", "--threads", "8",
                                              "--ops", "200" if q else "2000", "--bytes", "1M"],
                 "timeout": 240, "est": 4, "procs": 1, "threads": 8},
            ],
        },
        "kv": {
            "title": "KV-cache style allocation rate: random 64 KiB..2 MiB allocations and frees around a live set",
            "limit": limits["overhead"], "configs": ["native", "hami"], "reps": 5,
            "cases": [
                {"case": f"kv-p{n}", "args": ["multi", "--workload", "kv", "--procs", str(n), "--ops",
                                              "500" if q else "10000", "--kv-live", "256"],
                 "timeout": 240, "est": 4 + n / 2, "procs": n, "threads": 1} for n in procs
            ],
        },
        "limit": {
            "title": f"Memory-limit accuracy up to the whole limit ({lim}) and over-limit refusal time",
            "limit": lim, "configs": ["native", "hami"], "reps": 5,
            "cases": [
                {"case": "fill-1g", "args": ["limit", "--chunk", "1G", "--max", "{max}",
                                             "--reject-iters", "100" if q else "1000", "--hold"],
                 "timeout": 240, "est": 8, "hold": True, "chunk": GIB, "workers": 1},
                {"case": "fill-p8", "args": ["multi", "--workload", "fill", "--procs", "8", "--chunk", "256M",
                                             "--max", "{max}"],
                 "timeout": 240, "est": 10, "reps": 3, "chunk": 256 << 20, "workers": 8, "procs": 8},
            ],
        },
    }


HEADLINES = {
    "calls": ["launch_ns", "launch_sync_ns", "meminfo_ns", "devcount_ns", "alloc_1MiB_ns", "free_1MiB_ns",
              "alloc_2GiB_ns"],
    "ctx": ["ctx_first_ms", "ctx_primary_ms", "ctx_reset_ms", "ctx_create_ms"],
    "firstcall": ["spawn_to_first_alloc_ms", "first_alloc_ms", "process_wall_ms"],
    "pairs": ["pair_p50_us", "pair_p99_us"],
    "kv": ["allocs_per_s", "alloc_p99_us"],
    "fill-1g": ["chunks_count", "refuse_edge_us", "refuse_oversize_us"],
    "fill-p8": ["total_chunks_count"],
}


def fill_cap(case, limit_bytes, part_limit_bytes):
    """Chunks one worker may take in a fill case: a little above its share of the limit (the configuration's, or the
    part's for native), so that a limit that holds stops them, one that does not shows, and the shared card is never
    filled (several processes: share + 2 each, so the last chunks are still contested at the edge)."""
    chunk, workers = case["chunk"], case["workers"]
    expected = (limit_bytes or part_limit_bytes) // chunk
    return expected + 4 if workers == 1 else -(-expected // workers) + 2


def headlines(case):
    for key in (case, case.split("-")[0]):
        if key in HEADLINES:
            return HEADLINES[key]
    return []


# ------------------------------------------------------------------ helpers


def die(msg):
    print(f"bench.py: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_size(s):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", str(s), re.I)
    if not m:
        raise ValueError(f"bad size {s!r}")
    return int(float(m.group(1)) * (1024 ** " kmgt".index(m.group(2).lower() or " ")))


def sh(cmd, timeout=20):
    try:
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=timeout)
        return r.stdout.strip() if r.returncode == 0 else None
    except Exception:
        return None


def sha256(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def collect_env(a):
    env = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "dry_run": a.dry, "quick": a.quick}
    env["host"] = sh("hostname")
    env["kernel"] = sh("uname -r")
    env["cpu"] = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'")
    env["cpus"] = os.cpu_count()
    env["loadavg"] = sh("cat /proc/loadavg")
    env["python"] = sys.version.split()[0]
    env["gcc"] = sh("gcc --version | head -n1")
    nvcc = sh("nvcc --version")
    env["nvcc"] = nvcc.splitlines()[-2].strip() if nvcc and len(nvcc.splitlines()) >= 2 else None
    m = re.search(r"release (\d+\.\d+)", nvcc or "")
    env["cuda_toolkit"] = m.group(1) if m else None
    if a.dry:
        env.update(gpu="fake libcuda (dry run on the build machine, no GPU)", driver="fake", cuda="fake",
                   gpu_memory_total_mib=None, compute_cap=None)
    else:
        q = sh("nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,compute_cap,utilization.gpu "
               "--format=csv,noheader,nounits")
        if q:
            f = [x.strip() for x in q.splitlines()[0].split(",")]
            env.update(gpu=f[0], driver=f[1], gpu_memory_total_mib=_int(f[2]), gpu_memory_used_mib_at_start=_int(f[3]),
                       compute_cap=f[4], gpu_utilization_at_start=_int(f[5]), gpu_count=len(q.splitlines()))
        head = sh("nvidia-smi") or ""
        m = re.search(r"CUDA Version:\s*([\d.]+)", head)
        env["cuda"] = m.group(1) if m else env.get("cuda_toolkit")
        env["gpu_processes_at_start"] = sh("nvidia-smi --query-compute-apps=pid,process_name,used_memory "
                                           "--format=csv,noheader")
    commit = sh("git rev-parse HEAD") if os.path.isdir(".git") or sh("git rev-parse --git-dir") else None
    env["commit"] = a.commit or commit or os.environ.get("HAMI_BENCH_COMMIT") or "unknown"
    env["commit_source"] = "argument" if a.commit else "git" if commit else \
        "HAMI_BENCH_COMMIT" if os.environ.get("HAMI_BENCH_COMMIT") else "unknown"
    if commit:
        env["dirty_files"] = len((sh("git status --porcelain") or "").splitlines())
    env["dist"] = a.dist
    env["dist_present"] = all(os.path.exists(x) for x in (a.lib, a.hami_run, os.path.join(a.dist, "runtime", "bin",
                                                                                         "java")))
    env["libhami_sha256"] = sha256(a.lib)
    env["hami_ffm_jar_sha256"] = sha256(os.path.join(a.dist, "lib", "hami-ffm.jar"))
    here = os.path.dirname(os.path.abspath(__file__))
    env["gpubench_c_sha256"] = sha256(os.path.join(here, "..", "native", "gpubench.c"))
    env["bench_py_sha256"] = sha256(os.path.abspath(__file__))
    return env


def _int(s):
    try:
        return int(float(s))
    except (TypeError, ValueError):
        return None


def smi_process_mib(pid):
    """Device memory nvidia-smi says the process holds (context included), or None (no nvidia-smi, PID namespace)."""
    out = sh("nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits", timeout=15)
    for line in (out or "").splitlines():
        f = [x.strip() for x in line.split(",")]
        if len(f) == 2 and f[0] == str(pid):
            return _int(f[1])
    return None


def smi_used_mib():
    out = sh("nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits", timeout=15)
    return _int(out.splitlines()[0]) if out else None


# ------------------------------------------------------------------ configurations


class Config:
    def __init__(self, name, kind, lib=None, env=None, describe=""):
        self.name, self.kind, self.lib, self.env, self.describe = name, kind, lib, env or {}, describe

    def command(self, a, args, limit, region):
        """(argv, env additions, limit in bytes or 0) of one run."""
        subst = {"limit": limit, "limit_bytes": str(parse_size(limit)), "region": region}
        if self.kind == "native":
            return [a.bin] + args, {}, 0
        if self.kind == "hami":
            return [a.hami_run, "--memory", limit, "--region", region, "--", a.bin] + args, {}, parse_size(limit)
        if self.kind == "hami-env":
            return [a.bin] + args, {"LD_PRELOAD": a.lib, "CUDA_DEVICE_MEMORY_LIMIT": limit,
                                    "CUDA_DEVICE_MEMORY_SHARED_CACHE": region}, parse_size(limit)
        if self.kind == "hami-preload":
            return [a.bin] + args, {"LD_PRELOAD": a.lib}, 0
        if self.kind == "hami-hookall":
            return [a.bin] + args, {"LD_PRELOAD": a.lib, "HAMI_HOOK_ALL": "1",
                                    "CUDA_DEVICE_MEMORY_SHARED_CACHE": region}, 0
        env = {"LD_PRELOAD": self.lib, "GPUBENCH_EXPECT_LIB": self.lib}
        env.setdefault("CUDA_DEVICE_MEMORY_LIMIT", "{limit}")
        env.setdefault("CUDA_DEVICE_MEMORY_SHARED_CACHE", "{region}")
        env.update(self.env)
        env = {k: v.format(**subst) for k, v in env.items()}
        lim = env.get("CUDA_DEVICE_MEMORY_LIMIT", "")
        try:
            lim_bytes = parse_size(lim) if lim else 0
        except ValueError:
            lim_bytes = 0
        return [a.bin] + args, env, lim_bytes

    def to_json(self, a, limit):
        argv, env, lim = self.command(a, ["ARGS"], limit, "<region file>")
        return {"kind": self.kind, "describe": self.describe, "limit_bytes": lim, "env": env,
                "prefix": " ".join(shlex.quote(x) for x in argv[:-2] if x != a.bin) if self.kind == "hami" else ""}


BUILTIN = {
    "native": ("native", "the program as is"),
    "hami": ("hami", "hami-run --memory LIMIT --region FILE -- CMD (launcher JVM, then exec; the trampoline boots "
                     "its JVM on the first decision)"),
    "hami-env": ("hami-env", "LD_PRELOAD=libhami.so CUDA_DEVICE_MEMORY_LIMIT=LIMIT "
                             "CUDA_DEVICE_MEMORY_SHARED_CACHE=FILE (HAMi's environment mode)"),
    "hami-preload": ("hami-preload", "LD_PRELOAD=libhami.so without a limit (pass-through, no JVM)"),
    "hami-hookall": ("hami-hookall", "LD_PRELOAD=libhami.so HAMI_HOOK_ALL=1 (every export through a Java upcall)"),
}


def parse_interposer(spec, ref_lib):
    name, sep, rest = spec.partition("=")
    if not sep or not name or not rest or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        die(f"--interposer wants NAME=LIB[:K=V...], got {spec!r}")
    if name in BUILTIN:
        die(f"interposer name {name!r} is taken by a built-in configuration")
    lib, *pairs = rest.split(":")
    if lib == "@ref":
        lib = ref_lib
    lib = os.path.abspath(lib) if lib else lib
    env = {}
    for p in pairs:
        k, eq, v = p.partition("=")
        if not eq or not k:
            die(f"bad K=V {p!r} in --interposer {spec!r}")
        env[k] = v
    shown = rest.split(":")[0]
    if shown == "@ref":
        shown = "<ref_interposer.so> (benchmarks/native/ref_interposer.c, a reference C interposer, not HAMi-core)"
    return Config(name, "interposer", lib, env, f"LD_PRELOAD={shown}" + "".join(f" {k}={v}" for k, v in env.items()))


# ------------------------------------------------------------------ running


def run_one(argv, env, timeout, hold):
    events = []
    env = dict(env)
    stderr_buf = []
    t0 = time.monotonic_ns()
    env["GPUBENCH_T0_NS"] = str(t0)
    try:
        p = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if hold else subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as e:
        return {"rc": 127, "wall_s": 0.0, "timed_out": False, "stdout": "", "stderr_tail": str(e), "events": []}
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the run's own process group: the program and its children
        except OSError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    reader = threading.Thread(target=lambda: stderr_buf.append(p.stderr.read()))
    reader.start()
    out = []
    for line in p.stdout:
        out.append(line)
        if hold and line.startswith('{"event"'):
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"event": "unparsed", "line": line[:200]}
            ev["smi_process_mib"] = smi_process_mib(ev.get("pid"))
            ev["smi_gpu_used_mib"] = smi_used_mib()
            events.append(ev)
            try:
                p.stdin.write("\n")
                p.stdin.flush()
            except OSError:
                pass
    rc = p.wait()
    wall = (time.monotonic_ns() - t0) / 1e9
    timer.cancel()
    reader.join()
    err = "".join(stderr_buf)
    return {"rc": rc, "wall_s": round(wall, 4), "timed_out": bool(timed_out), "stdout": "".join(out),
            "stderr_tail": err[-2000:], "events": events}


def last_json(stdout):
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                d = json.loads(line)
                if d.get("tool") == "gpubench":
                    return d
            except ValueError:
                continue
    return None


def checks_for(part, case, cfg, run, res, limit_bytes, physical_total):
    """Sanity checks of one run: the preload landed where it should, limits are what was asked."""
    out = []

    def check(name, ok, detail=""):
        out.append({"case": case["case"], "config": cfg.name, "rep": run["rep"], "name": name, "pass": bool(ok),
                    "detail": detail})

    check("ran", res is not None and res.get("ok") and run["rc"] == 0,
          f"rc={run['rc']} timed_out={run['timed_out']} {run['stderr_tail'][-300:]!r}" if not res or run["rc"] else "")
    if not res:
        return out
    hooked = cfg.kind.startswith("hami") and cfg.kind != "native"
    check("libhami mapped" if hooked else "libhami not mapped", res.get("libhami_mapped") == hooked,
          f"libhami_mapped={res.get('libhami_mapped')}")
    if cfg.kind == "interposer":
        check("interposer mapped", res.get("expect_lib_mapped") is True, f"expect_lib={res.get('expect_lib')}")
    if cfg.kind in ("hami", "hami-env") and limit_bytes and physical_total:
        want = min(limit_bytes, physical_total)
        check("memGetInfo total is the limit", res.get("mem_info_total") == want,
              f"total={res.get('mem_info_total')} want={want}")
    if case["case"] == "fill-1g" and limit_bytes:
        want = limit_bytes // case["chunk"]
        check("chunks == floor(limit / chunk)", res.get("chunks") == want, f"chunks={res.get('chunks')} want={want}")
    if case["case"] == "fill-p8" and limit_bytes:
        want = limit_bytes // case["chunk"]
        check("total chunks of all processes == floor(limit / chunk)", res.get("total_chunks") == want,
              f"total={res.get('total_chunks')} want={want}")
    return out


def summarize(part, runs, config_names):
    """Per case, metric and configuration: median of the repetitions' values, ratio to native's median, and the
    median of per-repetition ratios (paired: the same repetition ran every configuration back to back)."""
    summary = {}
    for r in runs:
        if r.get("warmup") or not r.get("result") or not r["result"].get("ok"):
            continue
        c = summary.setdefault(r["case"], {})
        for k, v in r["result"].get("metrics", {}).items():
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                continue
            c.setdefault(k, {}).setdefault(r["config"], {})[r["rep"]] = v
    out = {}
    for case, metrics in summary.items():
        out[case] = {}
        for m, by_cfg in metrics.items():
            nat = by_cfg.get("native", {})
            nat_med = statistics.median(nat.values()) if nat else None
            row = {}
            for cfg in config_names:
                vals = by_cfg.get(cfg)
                if not vals:
                    continue
                med = statistics.median(vals.values())
                e = {"median": med, "min": min(vals.values()), "max": max(vals.values()), "n": len(vals),
                     "values": [vals[k] for k in sorted(vals)]}
                if nat_med:
                    e["ratio"] = med / nat_med
                    paired = [vals[k] / nat[k] for k in vals if k in nat and nat[k]]
                    if paired:
                        e["paired_ratio"] = statistics.median(paired)
                row[cfg] = e
            out[case][m] = row
    return out


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1e6:
        return f"{v:.3g}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def print_table(part, summary, config_names, checks):
    print(f"\n== {part}: medians over repetitions (ratio = median / native median; paired = median of per-rep "
          f"ratios)")
    print(f"{'case':10} {'metric':26} {'config':14} {'median':>10} {'min':>10} {'max':>10} {'ratio':>7} "
          f"{'paired':>7} {'n':>3}")
    for case, metrics in summary.items():
        for m in headlines(case):
            for cfg in config_names:
                e = metrics.get(m, {}).get(cfg)
                if not e:
                    continue
                print(f"{case:10} {m:26} {cfg:14} {fmt(e['median']):>10} {fmt(e['min']):>10} {fmt(e['max']):>10} "
                      f"{fmt(e.get('ratio')):>7} {fmt(e.get('paired_ratio')):>7} {e['n']:>3}")
    failed = [c for c in checks if not c["pass"]]
    for c in failed[:20]:
        print(f"CHECK FAILED {c['case']} {c['config']} rep {c['rep']}: {c['name']} {c['detail']}")
    print(f"{part}: {len(checks) - len(failed)} checks passed, {len(failed)} failed")
    return len(failed)


def run_part(a, part, spec, configs, start, env_facts):
    names = [c.name for c in configs]
    # region files where hami-run keeps its default one (/dev/shm), so the mapping behaves the same
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    regions = tempfile.mkdtemp(prefix=f"hami-bench-{part}-", dir=shm)
    runs, checks, skipped = [], [], []
    limit = spec["limit"]
    physical = None
    est = {}
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("CUDA_DEVICE_MEMORY") and k not in ("LD_PRELOAD", "HAMI_HOOK_ALL", "HAMI_TENANT",
                                                                    "GPUBENCH_EXPECT_LIB", "REF_INTERPOSER_MODE")}
    def reps_of(case):
        return a.reps or case.get("reps", spec["reps"])

    max_reps = max(reps_of(c) for c in spec["cases"])
    seq = 0
    for rep in range(0, max_reps + 1):  # rep 0: warm-up
        order = names[rep % len(names):] + names[:rep % len(names)]
        if rep % 2 == 0:
            order.reverse()
        for case in spec["cases"]:
            if rep > reps_of(case):
                continue
            for name in order:
                cfg = next(c for c in configs if c.name == name)
                key = (case["case"], name)
                guess = est.get(key, case.get("est", 10))
                left = a.budget - (time.monotonic() - start)
                if left < guess * 1.5 + 5:
                    skipped.append({"case": case["case"], "config": name, "rep": rep, "why": "time budget"})
                    continue
                if cfg.kind != "native" and cfg.kind != "interposer" and not env_facts["dist_present"]:
                    skipped.append({"case": case["case"], "config": name, "rep": rep, "why": "no distribution"})
                    continue
                seq += 1
                kept = case.get("region") == "kept"
                region = os.path.join(regions, f"{case['case']}-{name}.region" if kept
                                      else f"{seq:04d}-{case['case']}-{name}.region")
                args = list(case["args"]) + (["--no-kernel"] if a.dry and case["args"][0] == "calls" else [])
                if "workers" in case:
                    cap = fill_cap(case, cfg.command(a, [], limit, region)[2], parse_size(limit))
                    args = [x.replace("{max}", str(cap)) for x in args]
                argv, env_add, lim_bytes = cfg.command(a, args, limit, region)
                env = dict(base, **env_add)
                r = run_one(argv, env, min(case["timeout"], max(10, left - 5)), case.get("hold", False))
                est[key] = max(r["wall_s"], 0.5)
                res = last_json(r["stdout"])
                if res is not None and case["case"].startswith("firstcall"):
                    res.setdefault("metrics", {})["process_wall_ms"] = r["wall_s"] * 1e3
                if res is not None and physical is None and cfg.kind == "native":
                    physical = res.get("mem_info_total")
                run = {"part": part, "case": case["case"], "config": name, "rep": rep, "warmup": rep == 0,
                       "seq": seq, "order": order.index(name), "cmd": " ".join(shlex.quote(x) for x in argv),
                       "env": env_add, "limit_bytes": lim_bytes, "rc": r["rc"], "wall_s": r["wall_s"],
                       "timed_out": r["timed_out"], "events": r["events"], "result": res,
                       "stderr_tail": r["stderr_tail"] if (r["rc"] or res is None) else r["stderr_tail"][-400:]}
                runs.append(run)
                if rep > 0:
                    checks += checks_for(part, case, cfg, run, res, lim_bytes, physical)
                m = (res or {}).get("metrics", {})
                shown = ", ".join(f"{k}={fmt(m[k])}" for k in headlines(case["case"]) if k in m)
                log(f"{part} {case['case']} {name} rep {rep}{' (warm-up)' if rep == 0 else ''}: rc={r['rc']} "
                    f"wall={r['wall_s']:.2f}s {shown}")
                if not kept:
                    try:
                        os.unlink(region)
                    except OSError:
                        pass
    shutil.rmtree(regions, ignore_errors=True)
    summary = summarize(part, runs, names)
    return {
        "schema": SCHEMA, "part": part, "title": spec["title"], "limit": limit,
        "limit_bytes": parse_size(limit), "reps": a.reps or spec["reps"],
        "configs": {c.name: c.to_json(a, limit) for c in configs},
        "config_order": names,
        "cases": [{k: v for k, v in c.items() if k != "est"} for c in spec["cases"]],
        "environment": env_facts, "invocation": a.invocation, "runs": runs, "skipped": skipped,
        "checks": checks, "summary": summary,
        "physical_total_bytes": physical,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("parts", nargs="+")
    p.add_argument("--bin", required=True)
    p.add_argument("--dist", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--ref-lib", default="")
    p.add_argument("--reps", type=int, default=0, help="repetitions per case (default: per part, 5 to 11)")
    p.add_argument("--budget", type=float, default=float(os.environ.get("HAMI_BENCH_BUDGET_S", 420)))
    p.add_argument("--configs", default="", help="comma-separated built-in configurations (default: per part)")
    p.add_argument("--interposer", action="append", default=[])
    p.add_argument("--limit", default=os.environ.get("HAMI_BENCH_LIMIT", "60g"),
                   help="the limit of the limit part (default 60g)")
    p.add_argument("--overhead-limit", default="70g", help="the limit of the other parts: far above their use")
    p.add_argument("--commit", default=os.environ.get("HAMI_BENCH_COMMIT", ""))
    p.add_argument("--invocation", default="")
    p.add_argument("--dry", action="store_true", help="fake driver on the build machine: no kernel, no nvidia-smi")
    p.add_argument("--quick", action="store_true", help="tiny counts and 2 repetitions (dry runs)")
    a = p.parse_args()
    a.dist = os.path.abspath(a.dist)
    a.bin = os.path.abspath(a.bin)
    a.lib = os.path.join(a.dist, "lib", "libhami.so")
    a.hami_run = os.path.join(a.dist, "bin", "hami-run")
    a.invocation = a.invocation or " ".join(shlex.quote(x) for x in sys.argv)
    if a.quick and not a.reps:
        a.reps = 2
    table = parts_table(a.quick, {"part": a.limit, "overhead": a.overhead_limit})
    for part in a.parts:
        if part not in table:
            die(f"unknown part {part!r} (parts: {', '.join(table)})")
    extra = [parse_interposer(s, a.ref_lib) for s in a.interposer]
    for c in extra:
        if not os.path.exists(c.lib):
            die(f"interposer {c.name}: {c.lib} does not exist")
    os.makedirs(a.out, exist_ok=True)
    start = time.monotonic()
    env_facts = collect_env(a)
    log("environment: " + json.dumps({k: env_facts.get(k) for k in ("gpu", "driver", "cuda", "commit", "dist_present")}))
    failed = 0
    docs = []
    for part in a.parts:
        spec = table[part]
        names = [n for n in (a.configs.split(",") if a.configs else spec["configs"]) if n]
        for n in names:
            if n not in BUILTIN:
                die(f"unknown configuration {n!r} (built-in: {', '.join(BUILTIN)})")
        if "native" not in names:
            names.insert(0, "native")
        configs = [Config(n, BUILTIN[n][0], describe=BUILTIN[n][1]) for n in names] + extra
        log(f"==== part {part}: {spec['title']}; configs {', '.join(c.name for c in configs)}; limit {spec['limit']}")
        doc = run_part(a, part, spec, configs, start, env_facts)
        path = os.path.join(a.out, f"bench-{part}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
        log(f"wrote {path} ({len(doc['runs'])} runs, {len(doc['skipped'])} skipped)")
        docs.append(doc)
    log(f"done in {time.monotonic() - start:.0f}s; JSON in {a.out}")
    for doc in docs:  # the short tables last, all together
        failed += print_table(doc["part"], doc["summary"], doc["config_order"], doc["checks"])
        if doc["skipped"]:
            print(f"{doc['part']}: {len(doc['skipped'])} runs skipped ({doc['skipped'][0]['why']}, ...)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
