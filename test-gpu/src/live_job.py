#!/usr/bin/env python3
"""live_job.py - a PyTorch job that keeps asking for memory, for test-gpu/live-limit.sh and docs/tutorial-jshell.md.

Every --step-ms it allocates one --chunk-mib tensor on cuda:0 while it holds fewer than --cap of them; on
torch.cuda.OutOfMemoryError it frees one tensor and empties PyTorch's cache (so the driver, and the region, get the
memory back). One JSON line per step on stdout: {"t": seconds, "held_mib": ..., "refused": bool}; the first
refusal's message (first 200 characters) once as {"oom_message": ...}. Runs --seconds, then frees everything.
"""
import argparse
import json
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunk-mib", type=int, default=1024)
    ap.add_argument("--cap", type=int, default=12)
    ap.add_argument("--step-ms", type=int, default=250)
    ap.add_argument("--seconds", type=float, default=40)
    a = ap.parse_args()
    held, start, said = [], time.time(), False
    torch.cuda.init()
    while time.time() - start < a.seconds:
        refused = False
        if len(held) < a.cap:
            try:
                held.append(torch.empty(a.chunk_mib << 20, dtype=torch.uint8, device="cuda"))
            except torch.cuda.OutOfMemoryError as e:
                refused = True
                if not said:
                    print(json.dumps({"oom_message": str(e)[:200]}), flush=True)
                    said = True
                if held:
                    held.pop()
                torch.cuda.empty_cache()
        print(json.dumps({"t": round(time.time() - start, 3), "held_mib": len(held) * a.chunk_mib,
                          "refused": refused}), flush=True)
        time.sleep(a.step_ms / 1000)
    held.clear()
    torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
