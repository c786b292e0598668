#!/usr/bin/env python3
"""Runs call_overhead natively and under the preload, interleaved, and prints medians and paired ratios.

    overhead.py --bin BUILD/call_overhead --dist launcher/target/hami [--reps 9] [--json OUT] [-- extra args]

Configurations: native; preload (no limit: pure pass-through); hookall (HAMI_HOOK_ALL=1: every export upcalls
into Java); limit (CUDA_DEVICE_MEMORY_LIMIT, far above use: the memory hooks decide, launches pass through).
Each repetition runs every configuration once, in a rotated order, so drift hits all alike.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--dist", required=True)
p.add_argument("--reps", type=int, default=9)
p.add_argument("--limit", default="64g")
p.add_argument("--json")
p.add_argument("extra", nargs="*")
a = p.parse_args()

lib = os.path.join(os.path.abspath(a.dist), "lib", "libhami.so")
region_dir = tempfile.mkdtemp(prefix="hami-overhead-")
base = {k: v for k, v in os.environ.items()
        if not k.startswith("CUDA_DEVICE_MEMORY_LIMIT") and k not in ("LD_PRELOAD", "HAMI_HOOK_ALL")}
configs = {
    "native": {},
    "preload": {"LD_PRELOAD": lib},
    "hookall": {"LD_PRELOAD": lib, "HAMI_HOOK_ALL": "1",
                "CUDA_DEVICE_MEMORY_SHARED_CACHE": os.path.join(region_dir, "hookall.region")},
    "limit": {"LD_PRELOAD": lib, "CUDA_DEVICE_MEMORY_LIMIT": a.limit,
              "CUDA_DEVICE_MEMORY_SHARED_CACHE": os.path.join(region_dir, "limit.region")},
}
names = list(configs)
runs = {n: [] for n in names}
for rep in range(a.reps):
    order = names[rep % len(names):] + names[:rep % len(names)]
    for n in order:
        env = dict(base, **configs[n])
        out = subprocess.run([a.bin] + a.extra, env=env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            sys.exit(f"{n} failed ({out.returncode}): {out.stderr.strip()}")
        runs[n].append(json.loads(out.stdout.strip().splitlines()[-1]))

result = {"reps": a.reps, "configs": {}}
print(f"{'config':10} {'metric':14} {'median ns':>10} {'vs native':>10} {'paired':>8} {'added ns':>9}")
for n in names:
    result["configs"][n] = {}
    for m in ("launch_ns", "allocfree_ns"):
        vals = [r[m] for r in runs[n]]
        nat = [r[m] for r in runs["native"]]
        med, med_nat = statistics.median(vals), statistics.median(nat)
        paired = statistics.median(v / w for v, w in zip(vals, nat))
        result["configs"][n][m] = {"median": med, "values": vals, "ratio": med / med_nat, "paired_ratio": paired,
                                   "added_ns": med - med_nat}
        print(f"{n:10} {m:14} {med:10.1f} {med / med_nat:10.3f} {paired:8.3f} {med - med_nat:9.1f}")
if a.json:
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1)
