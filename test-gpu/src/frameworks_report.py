"""Summarizes frameworks.sh runs: python3 frameworks_report.py LIMIT OUT.json < runs (one JSON object per line)."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip()]
json.dump({"limit": sys.argv[1], "runs": rows}, open(sys.argv[2], "w"), indent=1)
G = 1 << 30
print(f"{'case':18} {'config':9} {'256MiB':>7} {'told total':>11} {'nvml used':>10}  oom")
for r in rows:
    told = r.get("total") or r.get("bytes_limit")
    used = r.get("nvml_used")
    told_s = f"{told / G:10.2f}G" if isinstance(told, int) else f"{'-':>11}"
    used_s = f"{used / G:9.2f}G" if isinstance(used, int) else f"{'-':>10}"
    note = str(r.get("oom") or r.get("error") or "")[:60].replace("\n", " ")
    print(f"{r['case']:18} {r['config']:9} {str(r.get('count', '-')):>7} {told_s} {used_s}  {note}")
