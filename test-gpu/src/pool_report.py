#!/usr/bin/env python3
"""Turns test-gpu/pool.sh's raw runs into pool-<part>.json files and the table printed last.

    pool_report.py RAW_DIR OUT_DIR [--reps N] [--lib PATH]

RAW_DIR/<part>/<seq>-<case>-<config>-<rep>/{meta,cmd,stdout,stderr}. Each run printed one JSON object on stdout.
Exit 0 when every check passed, 1 otherwise.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys

MIB = 1 << 20
CHECKS = []
ROWS = []


def check(part, case, name, ok, value=None, expected=None, detail=""):
    CHECKS.append({"part": part, "case": case, "name": name, "pass": bool(ok), "value": value,
                   "expected": expected, "detail": detail})
    return ok


def row(part, case, metric, value, ratio=None, verdict=""):
    ROWS.append((part, case, metric, value, ratio, verdict))


def read_runs(raw, part):
    runs = []
    base = os.path.join(raw, part)
    if not os.path.isdir(base):
        return runs
    for d in sorted(os.listdir(base)):
        path = os.path.join(base, d)
        meta = {}
        with open(os.path.join(path, "meta")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                meta[k] = v
        with open(os.path.join(path, "stdout"), errors="replace") as f:
            out = f.read()
        with open(os.path.join(path, "stderr"), errors="replace") as f:
            err = f.read()
        with open(os.path.join(path, "cmd")) as f:
            cmd = f.read()
        result = None
        for line in reversed(out.strip().splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    result = json.loads(line)
                    break
                except ValueError:
                    pass
        runs.append({"case": meta.get("case"), "config": meta.get("config"), "rep": int(meta.get("rep", 0)),
                     "rc": int(meta.get("rc", -1)), "skipped": meta.get("skipped", ""), "cmd": cmd.strip(),
                     "result": result, "stderr_tail": err[-2000:]})
    return runs


def ok_runs(runs, part, case=None, config=None):
    chosen = [r for r in runs if (case is None or r["case"] == case) and (config is None or r["config"] == config)]
    for r in chosen:
        label = "%s %s rep %d" % (r["case"], r["config"], r["rep"])
        good = r["rc"] == 0 and r["result"] is not None and "error" not in r["result"]
        check(part, r["case"], "ran: " + label, good, r["rc"],
              0, r["skipped"] or (r["result"] or {}).get("error", "") or r["stderr_tail"][-300:])
    return [r for r in chosen if r["rc"] == 0 and r["result"] is not None and "error" not in r["result"]]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_ns(v):
    return "-" if v is None else ("%.0f ns" % v if v < 10000 else "%.1f us" % (v / 1000))


def size_name(b):
    return "%d KiB" % (b // 1024) if b < MIB else "%d MiB" % (b // MIB)


# ---- parts ---------------------------------------------------------------------------------------------------------

def report_rate(raw, reps):
    runs = read_runs(raw, "rate")
    native = ok_runs(runs, "rate", config="native")
    hooked = ok_runs(runs, "rate", config="hami")
    check("rate", "rate", "enough repetitions", len(native) >= reps and len(hooked) >= reps,
          [len(native), len(hooked)], reps)
    sizes = {}
    for r in native + hooked:
        for s in r["result"]["sizes"]:
            sizes.setdefault(s["size"], []).append((r["config"], s))
    summary = {}
    for size in sorted(sizes):
        entries = sizes[size]

        def series(config, key, sub=None):
            vals = []
            for c, s in entries:
                if c == config and key in s:
                    vals.append(s[key][sub] if sub else s[key])
            return vals

        cm = series("native", "cudaMalloc_pair_ns")
        cu = series("native", "cuMemAlloc_pair_ns")
        pool = series("hami", "pool_pair_ns")
        batch = series("hami", "pool_batch_pair_ns")
        hooked_cu = series("hami", "cuMemAlloc_pair_ns")
        p50 = series("hami", "alloc_latency_ns", "p50")
        p99 = series("hami", "alloc_latency_ns", "p99")
        p999 = series("hami", "alloc_latency_ns", "p999")
        vmm = [s.get("stats", {}).get("vmm") for c, s in entries if c == "hami"]
        native_best = min(x for x in [med(cm), med(cu)] if x is not None) if (cm or cu) else None
        ratio = native_best / med(pool) if native_best and pool else None
        ratio_batch = native_best / med(batch) if native_best and batch else None
        name = size_name(size)
        summary[str(size)] = {
            "native_cudaMalloc_pair_ns": {"median": med(cm), "reps": cm},
            "native_cuMemAlloc_pair_ns": {"median": med(cu), "reps": cu},
            "pool_pair_ns": {"median": med(pool), "reps": pool},
            "pool_batch_pair_ns": {"median": med(batch), "reps": batch},
            "hooked_cuMemAlloc_pair_ns": {"median": med(hooked_cu), "reps": hooked_cu},
            "pool_alloc_p50_ns": {"median": med(p50), "reps": p50},
            "pool_alloc_p99_ns": {"median": med(p99), "reps": p99, "max": max(p99) if p99 else None},
            "pool_alloc_p999_ns": {"median": med(p999), "reps": p999},
            "speedup_vs_native": ratio, "speedup_batch_vs_native": ratio_batch, "vmm": vmm,
        }
        row("rate", name, "native cudaMalloc+cudaFree", fmt_ns(med(cm)))
        row("rate", name, "native cuMemAlloc+cuMemFree", fmt_ns(med(cu)))
        row("rate", name, "hooked cuMemAlloc+cuMemFree", fmt_ns(med(hooked_cu)))
        v = check("rate", name, "pool alloc+free >= 10x native", ratio is not None and ratio >= 10,
                  ratio, ">= 10")
        row("rate", name, "pool alloc+free (C ABI)", fmt_ns(med(pool)), ratio, "PASS" if v else "FAIL")
        row("rate", name, "pool batch of 64, per block", fmt_ns(med(batch)), ratio_batch, "")
        v = check("rate", name, "p99 hami_pool_alloc < 2 us (every rep)", p99 and max(p99) < 2000, max(p99) if p99 else None,
                  "< 2000 ns")
        row("rate", name, "hami_pool_alloc p50 / p99 / p99.9",
            "%s / %s / %s" % (fmt_ns(med(p50)), fmt_ns(med(p99)), fmt_ns(med(p999))), None, "PASS" if v else "FAIL")
        row("rate", name, "pool memory", "vmm" if vmm and all(vmm) else "plain (cuMemAlloc per chunk)")
    return {"part": "rate", "summary": summary, "runs": runs}


def report_torch(raw, reps, rate_summary):
    runs = read_runs(raw, "torch")
    caching = ok_runs(runs, "torch", config="native")
    pool = ok_runs(runs, "torch", config="hami")
    check("torch", "torch", "enough repetitions", len(caching) >= reps and len(pool) >= reps,
          [len(caching), len(pool)], reps)
    summary = {}
    sizes = sorted({s["size"] for r in caching + pool for s in r["result"]["sizes"]})
    for size in sizes:
        c = [s["pair_ns"] for r in caching for s in r["result"]["sizes"] if s["size"] == size]
        p = [s["pair_ns"] for r in pool for s in r["result"]["sizes"] if s["size"] == size]
        b = [s["batch_pair_ns"] for r in pool for s in r["result"]["sizes"] if s["size"] == size]
        roundtrip = [s.get("tensor_roundtrip_ok") for r in pool for s in r["result"]["sizes"] if s["size"] == size]
        c_abi = (rate_summary.get(str(size)) or {}).get("pool_pair_ns", {}).get("median")
        summary[str(size)] = {"torch_caching_pair_ns": {"median": med(c), "reps": c},
                              "pool_python_pair_ns": {"median": med(p), "reps": p},
                              "pool_python_batch_pair_ns": {"median": med(b), "reps": b},
                              "pool_c_abi_pair_ns": c_abi, "tensor_roundtrip_ok": roundtrip}
        name = size_name(size)
        row("torch", name, "PyTorch caching allocator (Python)", fmt_ns(med(c)))
        row("torch", name, "pool via ctypes (Python)", fmt_ns(med(p)), med(c) / med(p) if c and p else None)
        row("torch", name, "pool via ctypes, batch of 64", fmt_ns(med(b)), med(c) / med(b) if c and b else None)
        row("torch", name, "pool C ABI (from rate)", fmt_ns(c_abi), med(c) / c_abi if c and c_abi else None)
        v = check("torch", name, "a block wrapped as a tensor reads back what was written",
                  roundtrip and all(roundtrip), roundtrip, "all true")
        row("torch", name, "pool block as torch tensor, write/read", "ok" if v else "BAD", None, "PASS" if v else "FAIL")
    backend = [r["result"].get("allocator_backend") for r in caching]
    return {"part": "torch", "summary": summary, "allocator_backend": backend, "runs": runs}


def report_counted(raw):
    runs = read_runs(raw, "counted")
    summary = {}
    for r in ok_runs(runs, "counted"):
        res, cfg = r["result"], r["config"]
        chunk = res["chunk_blocks"] * res["block"]
        dropped = res["free_before"] - res["free_full"]
        phys = res["nvml_used_full"] - res["nvml_used_before"] if res["nvml_used_before"] >= 0 else None
        summary[cfg] = dict(res, limit_view_drop=dropped, nvml_delta=phys)
        check("counted", cfg, "stopped by the limit (CUDA_ERROR_OUT_OF_MEMORY)", res["stop_code"] == 2,
              res["stop_code"], 2)
        check("counted", cfg, "cuMemGetInfo total is the limit", res["total"] == 4 << 30, res["total"], 4 << 30)
        v1 = check("counted", cfg, "the limit's view drops by exactly the pool's reservation",
                   dropped == res["reserved_bytes"], dropped, res["reserved_bytes"])
        v2 = check("counted", cfg, "the pool filled the limit to less than one chunk", res["free_full"] < chunk,
                   res["free_full"], "< %d" % chunk)
        if res["free_full"] < res["block"]:
            check("counted", cfg, "a plain cuMemAlloc finds no room", res["plain_alloc_when_full"] == 2,
                  res["plain_alloc_when_full"], 2)
        v3 = check("counted", cfg, "everything back after destroy", res["free_after"] == res["free_before"],
                   res["free_after"], res["free_before"])
        if phys is not None:
            tolerance = max(64 * MIB, res["reserved_bytes"] // 50)
            check("counted", cfg, "NVML: physical use grew by the reservation (+-2 %, shared GPU)",
                  abs(phys - res["reserved_bytes"]) <= tolerance, phys, res["reserved_bytes"],
                  "another process allocating meanwhile would show here")
        row("counted", cfg, "blocks of 2 MiB until refused", str(res["allocated"]))
        row("counted", cfg, "limit view drop / pool reserved", "%d / %d MiB" % (dropped // MIB,
                                                                               res["reserved_bytes"] // MIB),
            None, "PASS" if v1 and v2 and v3 else "FAIL")
        row("counted", cfg, "NVML physical delta", "-" if phys is None else "%d MiB" % (phys // MIB),
            phys / res["reserved_bytes"] if phys is not None and res["reserved_bytes"] else None,
            "vmm" if res["vmm"] else "plain")
    for cfg in ("hami-4g", "hami-4g-plain", "env-4g"):
        check("counted", cfg, "ran", cfg in summary, cfg in summary, True)
    if "hami-4g-plain" in summary:
        check("counted", "hami-4g-plain", "HAMI_POOL_VMM=0 takes the plain path", summary["hami-4g-plain"]["vmm"] == 0,
              summary["hami-4g-plain"]["vmm"], 0)
    return {"part": "counted", "summary": summary, "runs": runs}


def report_token(raw, reps):
    runs = read_runs(raw, "token")
    tps, checksums, step_us = {}, {}, {}
    for variant in ("pool", "malloc", "slab"):
        good = ok_runs(runs, "token", case="token-" + variant)
        check("token", variant, "enough repetitions", len(good) >= reps, len(good), reps)
        tps[variant] = [r["result"]["tokens_per_s"] for r in good]
        step_us[variant] = [r["result"]["step_us"] for r in good]
        checksums[variant] = sorted({r["result"]["checksum"] for r in good})
    summary = {v: {"tokens_per_s": {"median": med(tps[v]), "reps": tps[v]},
                   "step_us": {"median": med(step_us[v]), "reps": step_us[v]}, "checksums": checksums[v]}
               for v in tps}
    pool = med(tps["pool"])
    for base in ("malloc", "slab"):
        b = med(tps[base])
        ratio = pool / b if pool and b else None
        summary["pool_vs_" + base] = ratio
        v = check("token", "pool vs " + base, "pool tokens/s >= 0.98 x " + base, ratio is not None and ratio >= 0.98,
                  ratio, ">= 0.98")
        row("token", "pool vs " + base, "tokens/s ratio (medians)", "%.4f" % ratio if ratio else "-", ratio,
            "PASS" if v else "FAIL")
    for v in ("malloc", "slab", "pool"):
        row("token", v, "tokens/s (median of reps)", "%.0f" % med(tps[v]) if tps[v] else "-")
    all_sums = checksums["pool"] + checksums["malloc"] + checksums["slab"]
    check("token", "all", "identical results from every variant (checksum)", len(set(all_sums)) == 1, all_sums, "one")
    return {"part": "token", "summary": summary, "runs": runs}


def report_example(raw):
    runs = read_runs(raw, "example")
    good = ok_runs(runs, "example")
    summary = good[0]["result"] if good else None
    if summary:
        check("example", "kv_pool_torch", "KV values read back intact", summary["kv_mismatches"] == 0 and
              summary["kv_checks"] > 0, summary["kv_mismatches"], 0)
        check("example", "kv_pool_torch", "every block back at the end", summary["pool"]["blocks_in_use"] == 0,
              summary["pool"]["blocks_in_use"], 0)
        row("example", "kv_pool_torch", "tokens/s, preemptions, pressure events",
            "%s, %s, %s" % (summary["tokens_per_s"], summary["preempted"], summary["pressure_events"]))
    return {"part": "example", "summary": summary, "runs": runs}


def environment(lib, reps):
    env = {"reps": reps, "host": platform.node(), "python": sys.version.split()[0]}
    try:
        env["nvidia_smi"] = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                                            "--format=csv,noheader"], capture_output=True, text=True,
                                           timeout=30).stdout.strip()
    except Exception as e:  # noqa: BLE001
        env["nvidia_smi"] = str(e)
    try:
        with open(lib, "rb") as f:
            env["libhami_sha256"] = hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        env["libhami_sha256"] = str(e)
    return env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--lib", default="")
    args = ap.parse_args()
    env = environment(args.lib, args.reps)
    parts = [p for p in ("rate", "torch", "counted", "token", "example") if os.path.isdir(os.path.join(args.raw, p))]
    rate_summary = {}
    for part in parts:
        before = len(CHECKS)
        if part == "rate":
            data = report_rate(args.raw, args.reps)
            rate_summary = data["summary"]
        elif part == "torch":
            data = report_torch(args.raw, args.reps, rate_summary)
        elif part == "counted":
            data = report_counted(args.raw)
        elif part == "token":
            data = report_token(args.raw, args.reps)
        else:
            data = report_example(args.raw)
        mine = CHECKS[before:]
        data.update({"pass": all(c["pass"] for c in mine), "checks_passed": sum(c["pass"] for c in mine),
                     "checks_failed": sum(not c["pass"] for c in mine), "environment": env, "checks": mine,
                     "rows": [list(r) for r in ROWS if r[0] == part]})
        with open(os.path.join(args.out, "pool-%s.json" % part), "w") as f:
            json.dump(data, f, indent=1)
    # the table, last
    print()
    print("%-8s %-16s %-40s %-24s %-8s %s" % ("part", "case", "metric", "median", "ratio", "check"))
    for part, case, metric, value, ratio, verdict in ROWS:
        print("%-8s %-16s %-40s %-24s %-8s %s" % (part, case, metric, value,
                                                 "" if ratio is None else "%.2fx" % ratio if ratio >= 10
                                                 else "%.3f" % ratio, verdict))
    failed = [c for c in CHECKS if not c["pass"]]
    for c in failed:
        print("FAILED: [%s] %s: %s (value %s, expected %s) %s" % (c["part"], c["case"], c["name"], c["value"],
                                                                   c["expected"], str(c["detail"])[:300]))
    print("pool-tests: %d passed, %d failed" % (len(CHECKS) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
