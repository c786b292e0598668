#!/usr/bin/env python3
"""Turns the compute-<part>.json files of test-gpu/compute.sh into a markdown table (for docs/compute.md): one row
per check, with the criterion of issue 5 it proves, the measured value, what was expected and PASS/FAIL; then the
details of the failed checks and a count line.

    python3 test-gpu/src/compute_report.py OUT/compute-*.json [--details]

--details adds, per part, the medians behind each check (the summary of the JSON). Exit 0 when every check of every
file passed, 1 otherwise (also when a file is missing or unreadable).
"""
import json
import sys


def fmt(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    return "n/a" if v is None else str(v)


def cell(v):
    return fmt(v).replace("|", "\\|")


def main(argv):
    details = "--details" in argv
    paths = [p for p in argv if p != "--details"]
    if not paths:
        print("usage: compute_report.py OUT/compute-*.json [--details]", file=sys.stderr)
        return 1
    docs, bad = [], []
    for p in paths:
        try:
            with open(p) as f:
                docs.append(json.load(f))
        except (OSError, ValueError) as e:
            bad.append(f"{p}: {e}")
    lines = ["| part | criterion | check | value | expected | result |", "|---|---|---|---|---|---|"]
    failed = []
    for d in docs:
        for c in d["checks"]:
            lines.append(f"| {d['part']} | {c['criterion']} | {cell(c['name'])} | {cell(c['value'])} | "
                         f"{cell(c['expected'])} | {'PASS' if c['pass'] else '**FAIL**'} |")
            if not c["pass"]:
                failed.append(f"- {d['part']} / {c['name']}: {fmt(c['value'])} (expected {c['expected']}). "
                              f"{c.get('detail', '')}")
    env = docs[0].get("environment", {}) if docs else {}
    print(f"GPU: {env.get('gpu', '?')}; torch {env.get('torch', '?')}; medians of {env.get('reps', '?')} runs of "
          f"{env.get('seconds', '?')} s after {env.get('warmup_s', '?')} s warm-up; share = throughput as % of the "
          "same workload native and alone")
    print()
    print("\n".join(lines))
    if details:
        for d in docs:
            print(f"\n{d['part']} summary:\n```\n{json.dumps(d['summary'], indent=1)[:6000]}\n```")
    if failed or bad:
        print("\nFailed:")
        print("\n".join(failed + [f"- unreadable: {b}" for b in bad]))
    n_ok = sum(c["pass"] for d in docs for c in d["checks"])
    print(f"\ncompute-tests: {n_ok} passed, {len(failed) + len(bad)} failed")
    return 0 if not failed and not bad and docs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
