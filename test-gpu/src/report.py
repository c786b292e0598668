#!/usr/bin/env python3
"""report.py - turn the raw case outputs of test-gpu/run.sh into one JSON per
part and a human table. Standard library only.

  report.py part  --part NAME --raw RAWDIR --out FILE.json
  report.py table FILE.json...        (exit 0 when every check passed, else 1)

Raw layout written by run.sh:
  RAWDIR/env.txt                      key=value lines about the machine
  RAWDIR/<part>/<seq>-<case>/meta     key=value: case config rep rc wall_s
                                      timeout_s limit_bytes skipped
  RAWDIR/<part>/<seq>-<case>/cmd      the command line, shell-quoted
  RAWDIR/<part>/<seq>-<case>/stdout   the program's stdout (JSON on the last
                                      line that starts with '{')
  RAWDIR/<part>/<seq>-<case>/stderr   the program's stderr
"""
import argparse
import json
import os
import statistics
import sys
import time

GiB = 1 << 30
MiB = 1 << 20

# Configurations that must have libhami.so mapped (all others must not).
HOOKED_PREFIXES = ("preload", "hookall", "hami-run", "env-")
OVERHEAD_CONFIGS = ["native", "preload", "hookall", "hami-run-70g"]
OVERHEAD_METRICS = [
    # key, label, unit
    ("launch_ns", "cuLaunchKernel", "ns"),
    ("allocfree_ns", "cuMemAlloc+cuMemFree 1MiB", "ns"),
    ("meminfo_ns", "cuMemGetInfo_v2", "ns"),
    ("setup_ms", "cuInit+context+module load", "ms"),
    ("wall_s", "process wall time", "s"),
]
# 4 GiB less PyTorch's cache rounding and, since contexts are charged (docs/memory.md), the context (~2 chunks)
TORCH_MIN, TORCH_MAX = 12, 16


# ---------------------------------------------------------------- helpers
def read_text(path, default=""):
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def read_kv(path):
    out = {}
    for line in read_text(path).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def last_json(text):
    """The last line holding a JSON object from our tools; tolerates other
    output (e.g. a JVM's) before it on the same line or around it."""
    for line in reversed(text.splitlines()):
        idx = line.find('{"tool"')
        if idx < 0 and line.strip().startswith("{"):
            idx = line.find("{")
        if idx < 0:
            continue
        try:
            obj = json.loads(line[idx:].strip())
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


def to_int(v, default=None):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def to_float(v, default=None):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def gib(n):
    if n is None:
        return "n/a"
    return "%d (%.3f GiB)" % (n, n / GiB)


def is_hooked(config):
    return config.startswith(HOOKED_PREFIXES)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def load_cases(raw, part):
    pdir = os.path.join(raw, part)
    cases = []
    if not os.path.isdir(pdir):
        return cases
    for d in sorted(os.listdir(pdir)):
        cdir = os.path.join(pdir, d)
        if not os.path.isdir(cdir):
            continue
        meta = read_kv(os.path.join(cdir, "meta"))
        stdout = read_text(os.path.join(cdir, "stdout"))
        stderr = read_text(os.path.join(cdir, "stderr"))
        res = last_json(stdout)
        c = {
            "seq": d.split("-", 1)[0],
            "case": meta.get("case", d),
            "config": meta.get("config", "?"),
            "rep": to_int(meta.get("rep"), 0),
            "rc": to_int(meta.get("rc")),
            "wall_s": to_float(meta.get("wall_s")),
            "timeout_s": to_int(meta.get("timeout_s")),
            "timed_out": meta.get("rc") in ("124", "137"),
            "limit_bytes": to_int(meta.get("limit_bytes"), 0),
            "skipped": meta.get("skipped") or None,
            "cmd": read_text(os.path.join(cdir, "cmd")).strip(),
            "result": res,
            "stderr_tail": stderr[-3000:],
        }
        if res is None:
            c["stdout_tail"] = stdout[-1500:]
        cases.append(c)
    return cases


class Checks:
    def __init__(self, part):
        self.part = part
        self.items = []

    def add(self, case, name, passed, value=None, expected=None, detail=None, key=False):
        self.items.append({
            "case": case["case"] if isinstance(case, dict) else case,
            "config": case["config"] if isinstance(case, dict) else case,
            "name": name,
            "pass": bool(passed),
            "value": value,
            "expected": expected,
            "detail": detail,
            "key": key,
        })
        return bool(passed)


def ran_ok(c):
    r = c.get("result") or {}
    return c["skipped"] is None and c["rc"] == 0 and bool(r.get("ok"))


def check_ran(ck, c):
    """Common checks for every case: it ran, exited 0, printed its JSON, and
    libhami.so was (hooked configs) or was not (native) mapped."""
    r = c.get("result") or {}
    if c["skipped"]:
        ck.add(c, "ran", False, "skipped", "exit 0", c["skipped"], key=True)
        return False
    if c["config"] == "build":
        tail = (c["stderr_tail"] or "").strip().splitlines()[-5:]
        ck.add(c, "build", c["rc"] == 0, "rc=%s" % c["rc"], "rc=0",
               " | ".join(tail) if c["rc"] != 0 else None, key=c["rc"] != 0)
        return False
    detail = None
    if c["rc"] != 0:
        tail = (c["stderr_tail"] or "").strip().splitlines()[-3:]
        detail = ("timed out after %ss; " % c["timeout_s"] if c["timed_out"] else "") + " | ".join(tail)
    elif not r:
        detail = "no JSON on stdout"
    elif not r.get("ok"):
        detail = "program error: %s" % (r.get("error") or r.get("fatal") or "?")
    ck.add(c, "ran", ran_ok(c), "rc=%s" % c["rc"], "rc=0 and JSON ok", detail, key=not ran_ok(c))
    if r:
        mapped = r.get("hami_mapped")
        want = 1 if is_hooked(c["config"]) else 0
        det = None
        if "cannot be preloaded" in (c["stderr_tail"] or ""):
            det = "ld.so: libhami.so cannot be preloaded"
        ck.add(c, "libhami_mapped" if want else "libhami_not_mapped",
               mapped is not None and int(mapped) == want, mapped, want, det)
    return ran_ok(c)


# ---------------------------------------------------------------- limit-c
def eval_limit_c(cases, ck):
    summary = {}
    native_probe = None
    for c in cases:
        r = c.get("result") or {}
        ok = check_ran(ck, c)
        lim = c["limit_bytes"]
        name = c["case"]
        s = {
            "config": c["config"],
            "chunk": r.get("chunk"),
            "count": r.get("count"),
            "stop": r.get("stop"),
            "stop_code": r.get("stop_code"),
            "stop_name": r.get("stop_name"),
            "mem_get_info_before": r.get("info_before"),
            "device_total_mem": r.get("device_total_mem"),
            "real_size_first": r.get("real_size_first"),
            "real_size_last": r.get("real_size_last"),
            "mem_get_info_full": r.get("info_full"),
            "mem_get_info_after_free": r.get("info_after_free"),
            "probe": r.get("probe"),
        }
        summary[name] = s
        if not r.get("ok"):
            continue
        chunk = r.get("chunk") or 0
        count = r.get("count")
        before = r.get("info_before") or {}
        full = r.get("info_full") or {}
        after = r.get("info_after_free") or {}
        real = r.get("real_size_first") or 0
        if c["config"] == "native" and r.get("probe"):
            native_probe = r["probe"]
        if lim == 0:
            # Native: not limited, must reach its --max cap; total is the physical memory.
            mx = r.get("max")
            ck.add(c, "count_reaches_cap", count == mx and r.get("stop") == "max",
                   "%s (stop=%s)" % (count, r.get("stop")), "%s (stop=max)" % mx,
                   "chunk=%d B, real size %s B" % (chunk, real), key=True)
            ck.add(c, "mem_total_physical", (before.get("total") or 0) > 4 * GiB,
                   gib(before.get("total")), "> 4 GiB", "free before %s" % gib(before.get("free")),
                   key=True)
            continue
        # Limited runs.
        ck.add(c, "oom_code_2", r.get("stop") == "oom" and r.get("stop_code") == 2,
               "%s (%s)" % (r.get("stop_code"), r.get("stop_name") or r.get("stop")), "2 (CUDA_ERROR_OUT_OF_MEMORY)",
               key=True)
        # The process's context is charged before any allocation (docs/memory.md, context overhead): what is
        # left for allocations is what cuMemGetInfo calls free before the first one.
        room = before.get("free") if isinstance(before.get("free"), int) else lim
        s["context_charge"] = lim - room
        if chunk == 256 * MiB:
            exp = room // chunk
            ck.add(c, "chunks_256MiB", count == exp, count, exp,
                   "limit less the context charge (%s)" % gib(lim - room), key=True)
            ck.add(c, "mem_get_info_total_eq_limit", before.get("total") == lim,
                   gib(before.get("total")), gib(lim), None, key=True)
            ck.add(c, "device_total_mem_eq_limit", r.get("device_total_mem") == lim,
                   gib(r.get("device_total_mem")), gib(lim), None, key=True)
            ck.add(c, "context_charge_in_range", 0 <= lim - room <= 2 * 1024 * MiB,
                   gib(lim - room), "0..2 GiB",
                   "the context, measured once per device (0 on a driver whose contexts take nothing)")
            exp_free = room - (count or 0) * chunk
            ck.add(c, "free_full_eq_limit_minus_accounted", full.get("free") == exp_free,
                   gib(full.get("free")), gib(exp_free), "while %s chunks are held" % count, key=True)
            ck.add(c, "free_after_free_eq_limit", after.get("free") == room,
                   gib(after.get("free")), gib(room), "all chunks freed (the context stays charged)")
            if r.get("probe") is not None:
                pa = r.get("info_after_probe") or {}
                ck.add(c, "free_after_probe_eq_limit", pa.get("free") == room,
                       gib(pa.get("free")), gib(room), "odd-size probe allocations freed")
        else:
            exp_real = room // real if real else None
            exp_req = room // chunk if chunk else None
            model = ("real size" if count == exp_real else
                     "requested size" if count == exp_req else "neither")
            s["expected_by_real_size"] = exp_real
            s["expected_by_requested_size"] = exp_req
            s["accounting_matches"] = model
            ck.add(c, "odd_chunks_eq_floor_limit_over_real_size", count == exp_real, count, exp_real,
                   "chunk %d B, real size %s B; floor(limit/requested)=%s; matches: %s"
                   % (chunk, real, exp_req, model), key=True)
            if real and r.get("real_size_last") not in (None, real):
                ck.add(c, "real_size_constant", False, r.get("real_size_last"), real,
                       "first and last allocation have different real sizes")
    # The hook must not change the driver's real sizes.
    if native_probe:
        nat = {p["request"]: p.get("range_size") for p in native_probe}
        for c in cases:
            r = c.get("result") or {}
            if c["config"] == "native" or not r.get("probe"):
                continue
            hk = {p["request"]: p.get("range_size") for p in r["probe"]}
            ck.add(c, "probe_sizes_same_as_native", hk == nat, hk, nat,
                   "cuMemGetAddressRange_v2 sizes for 1 B, 1000 B, 1 MiB+1, 3 MiB+5")
    granularity = {str(p["request"]): p.get("range_size") for p in (native_probe or [])}
    return {"cases": summary, "native_real_sizes": granularity}


# ---------------------------------------------------------------- limit-torch
def eval_limit_torch(cases, ck):
    summary = {}
    for c in cases:
        r = c.get("result") or {}
        check_ran(ck, c)
        lim = c["limit_bytes"]
        before = r.get("mem_get_info_before") or {}
        summary[c["case"]] = {
            "config": c["config"],
            "torch": r.get("torch_version"),
            "allocator_backend": r.get("allocator_backend"),
            "count": r.get("count"),
            "stop": r.get("stop"),
            "mem_get_info_before": before,
            "mem_get_info_full": r.get("mem_get_info_full"),
            "max_memory_reserved": r.get("max_memory_reserved"),
            "memory_reserved_held": r.get("memory_reserved_held"),
            "oom_message": r.get("oom_message"),
            "alloc_error": r.get("alloc_error"),
            "setup_s": r.get("setup_s"),
        }
        if not r.get("ok"):
            continue
        count = r.get("count")
        if lim == 0:
            mx = r.get("max")
            ck.add(c, "count_reaches_cap", count == mx and r.get("stop") == "max",
                   "%s (stop=%s)" % (count, r.get("stop")), "%s (stop=max)" % mx,
                   r.get("alloc_error"), key=True)
            ck.add(c, "mem_total_physical", (before.get("total") or 0) > 4 * GiB,
                   gib(before.get("total")), "> 4 GiB", None, key=True)
            continue
        ck.add(c, "oom_raised", r.get("stop") == "oom", r.get("stop"),
               "oom (torch.cuda.OutOfMemoryError)", (r.get("oom_message") or r.get("alloc_error") or "")[:300],
               key=True)
        ck.add(c, "mem_get_info_total_eq_limit", before.get("total") == lim,
               gib(before.get("total")), gib(lim), "free %s" % gib(before.get("free")), key=True)
        ck.add(c, "tensors_256MiB_in_range", count is not None and TORCH_MIN <= count <= TORCH_MAX,
               count, "%d..%d" % (TORCH_MIN, TORCH_MAX), None, key=True)
        mr = max(r.get("max_memory_reserved") or 0, r.get("reserved_trace_max") or 0)
        ck.add(c, "reserved_never_exceeds_limit", mr <= lim, gib(mr), "<= " + gib(lim),
               "max(torch.cuda.max_memory_reserved, reserved after each allocation)", key=True)
    return {"cases": summary}


# ---------------------------------------------------------------- overhead
def eval_overhead(cases, ck, env):
    reps_requested = to_int(env.get("reps"), 5)
    by_cfg = {}
    for c in cases:
        if c["config"] == "build":
            check_ran(ck, c)
            continue
        by_cfg.setdefault(c["config"], []).append(c)
    configs = [k for k in OVERHEAD_CONFIGS if k in by_cfg] + \
        [k for k in by_cfg if k not in OVERHEAD_CONFIGS]

    def value(c, m):
        r = c.get("result") or {}
        if m == "wall_s":
            return c["wall_s"]
        v = r.get(m)
        if isinstance(v, (int, float)):
            return v
        return v.get("median") if isinstance(v, dict) else None

    # rep -> config -> case (measured repetitions only; rep 0 is warm-up)
    per_rep = {}
    for c in cases:
        if c["rep"] >= 1 and ran_ok(c):
            per_rep.setdefault(c["rep"], {})[c["config"]] = c

    native_total = None
    for c in by_cfg.get("native", []):
        if ran_ok(c):
            native_total = c["result"].get("mem_total")
            break

    stats = {}
    for cfg in configs:
        runs = [c for c in by_cfg[cfg] if c["rep"] >= 1]
        for c in by_cfg[cfg]:
            check_ran(ck, c)
        ok_runs = [c for c in runs if ran_ok(c)]
        attempted = [c for c in runs if not c["skipped"]]
        cfg_case = {"case": cfg, "config": cfg}
        reps_ok = len(ok_runs) == len(runs) and len(ok_runs) >= reps_requested
        ck.add(cfg_case, "reps_ok", reps_ok, "%d/%d ok" % (len(ok_runs), len(runs)),
               ">= %d ok, none failed" % reps_requested,
               "%d skipped (budget)" % (len(runs) - len(attempted)) if len(attempted) < len(runs) else None)
        st = {"reps": len(runs), "reps_ok": len(ok_runs), "metrics": {}}
        for m, label, unit in OVERHEAD_METRICS:
            vals = [value(c, m) for c in ok_runs]
            med = median(vals)
            entry = {"label": label, "unit": unit, "median": med,
                     "rep_values": vals, "min": min(vals) if vals else None,
                     "max": max(vals) if vals else None}
            paired = []
            for rep, row in sorted(per_rep.items()):
                if cfg in row and "native" in row:
                    a, b = value(row[cfg], m), value(row["native"], m)
                    if a is not None and b:
                        paired.append(a / b)
            entry["paired_ratio_median"] = median(paired)
            entry["paired_ratios"] = [round(x, 4) for x in paired]
            st["metrics"][m] = entry
        totals = sorted({(c["result"] or {}).get("mem_total") for c in ok_runs})
        st["mem_total_seen"] = totals
        stats[cfg] = st
        if cfg == "hami-run-70g" and ok_runs:
            ck.add(cfg_case, "mem_total_eq_70GiB", totals == [70 * GiB], totals, [70 * GiB],
                   "cuMemGetInfo_v2 total under hami-run --memory 70g", key=True)
        elif cfg in ("preload", "hookall") and ok_runs and native_total is not None:
            ck.add(cfg_case, "mem_total_unchanged_without_limit", totals == [native_total], totals,
                   [native_total], "no limit set: memGetInfo must pass through", key=False)
    nat = stats.get("native", {}).get("metrics", {})
    for cfg, st in stats.items():
        for m, e in st["metrics"].items():
            base = nat.get(m, {}).get("median")
            e["ratio_vs_native"] = (e["median"] / base) if (e["median"] is not None and base) else None
    return {"configs": stats, "order": "interleaved; forward order on odd reps, reverse on even; rep 0 = warm-up, not counted"}


# ---------------------------------------------------------------- rows / table
def fmt_metric(v, unit):
    if v is None:
        return "n/a"
    if unit == "ns":
        return "%.3f us" % (v / 1000.0) if v >= 1000 else "%.1f ns" % v
    if unit == "s":
        return "%.2f s" % v
    if unit == "ms":
        return "%.1f ms" % v
    return str(v)


def build_rows(part, ck, summary):
    rows = []
    shown = set()
    if part == "overhead":
        passed = {it["config"]: it["pass"] for it in ck.items if it["name"] == "reps_ok"}
        for cfg, st in summary.get("configs", {}).items():
            for m, e in st["metrics"].items():
                ratio = e.get("ratio_vs_native")
                rows.append({"part": part, "config": cfg, "metric": m,
                             "value": fmt_metric(e["median"], e["unit"]),
                             "median": e["median"], "unit": e["unit"],
                             "ratio": None if ratio is None else round(ratio, 4),
                             "paired_ratio": None if e.get("paired_ratio_median") is None
                             else round(e["paired_ratio_median"], 4),
                             "pass": passed.get(cfg, False)})
    for i, it in enumerate(ck.items):
        if part == "overhead" and it["name"] == "reps_ok":
            continue
        if it["key"] or not it["pass"]:
            shown.add(i)
            v = it["value"]
            rows.append({"part": part, "config": it["case"], "metric": it["name"],
                         "value": v if isinstance(v, str) else json.dumps(v),
                         "expected": it["expected"] if isinstance(it["expected"], str) else json.dumps(it["expected"]),
                         "ratio": None, "pass": it["pass"]})
    # Identical rows (e.g. the same failure in every repetition) are shown once.
    out, seen = [], {}
    for r in rows:
        k = (r["part"], r["config"], r["metric"], r["value"], r["pass"])
        if k in seen:
            seen[k]["times"] = seen[k].get("times", 1) + 1
            continue
        seen[k] = r
        out.append(r)
    for r in out:
        if r.get("times", 1) > 1:
            r["value"] = "%s [x%d]" % (r["value"], r["times"])
    return out


def cmd_part(args):
    env = read_kv(os.path.join(args.raw, "env.txt"))
    cases = load_cases(args.raw, args.part)
    ck = Checks(args.part)
    if args.part == "limit-c":
        summary = eval_limit_c(cases, ck)
    elif args.part == "limit-torch":
        summary = eval_limit_torch(cases, ck)
    elif args.part == "overhead":
        summary = eval_overhead(cases, ck, env)
    else:
        summary = {}
    if not cases:
        ck.add("-", "cases_present", False, 0, ">= 1", "no case ran for this part")
    failed = [it for it in ck.items if not it["pass"]]
    doc = {
        "part": args.part,
        "schema": 1,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "pass": not failed,
        "checks_passed": len(ck.items) - len(failed),
        "checks_failed": len(failed),
        "environment": env,
        "summary": summary,
        "checks": ck.items,
        "rows": build_rows(args.part, ck, summary),
        "cases": cases,
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    os.replace(tmp, args.out)
    print("report: %s -> %s: %s (%d checks passed, %d failed)"
          % (args.part, args.out, "PASS" if doc["pass"] else "FAIL",
             doc["checks_passed"], doc["checks_failed"]))
    return 0


def cmd_table(args):
    rows, total_pass, total_fail, parts, failures = [], 0, 0, [], []
    for path in args.files:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("report: cannot read %s: %s" % (path, e))
            total_fail += 1
            continue
        rows.extend(doc.get("rows", []))
        total_pass += doc.get("checks_passed", 0)
        total_fail += doc.get("checks_failed", 0)
        parts.append((doc.get("part"), doc.get("pass"), doc.get("checks_passed"), doc.get("checks_failed")))
        for it in doc.get("checks", []):
            if not it.get("pass"):
                line = "%s / %s / %s: got %s, want %s" % (
                    doc.get("part"), it.get("case"), it.get("name"),
                    it.get("value"), it.get("expected"))
                if it.get("detail"):
                    line += " -- " + str(it["detail"]).replace("\n", " ")
                if line not in failures:
                    failures.append(line)
    hdr = ("part", "config", "metric", "median / value", "ratio vs native", "result")
    body = []
    for r in rows:
        val = r.get("value", "")
        if r.get("expected") not in (None, "null") and not r.get("pass"):
            val = "%s (want %s)" % (val, r["expected"])
        ratio = "-"
        if r.get("ratio") is not None:
            ratio = "%.3fx" % r["ratio"]
            if r.get("paired_ratio") is not None:
                ratio += " (paired %.3fx)" % r["paired_ratio"]
        body.append((r["part"], r["config"], r["metric"], val, ratio, "PASS" if r["pass"] else "FAIL"))
    widths = [max(len(str(x[i])) for x in [hdr] + body) for i in range(len(hdr))]
    widths[3] = min(widths[3], 60)
    line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, hdr))
    print(line)
    print("-" * len(line))
    for b in body:
        cells = list(b)
        if len(str(cells[3])) > 60:
            cells[3] = str(cells[3])[:57] + "..."
        print("  ".join("%-*s" % (w, c) for w, c in zip(widths, cells)))
    print("-" * len(line))
    if failures:
        print("failed checks (details in the JSON's \"checks\"; stderr tails in \"cases\"):")
        for f in failures[:25]:
            print("  " + (f if len(f) <= 220 else f[:217] + "..."))
        if len(failures) > 25:
            print("  ... and %d more" % (len(failures) - 25))
    for name, ok, p, fl in parts:
        print("part %-12s %s  (%s checks passed, %s failed)" % (name, "PASS" if ok else "FAIL", p, fl))
    print("gpu-tests: %d passed, %d failed" % (total_pass, total_fail))
    return 0 if total_fail == 0 and parts else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("part")
    p.add_argument("--part", required=True)
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True)
    t = sub.add_parser("table")
    t.add_argument("files", nargs="*")
    args = ap.parse_args()
    return cmd_part(args) if args.cmd == "part" else cmd_table(args)


if __name__ == "__main__":
    sys.exit(main())
