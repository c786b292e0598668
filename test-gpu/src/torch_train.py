#!/usr/bin/env python3
"""A small PyTorch training loop that keeps the GPU busy (issue 5, criterion 1): an MLP on random data, forward,
backward and an SGD step per iteration. Prints one JSON line on stdout: iterations per second over --seconds, after
--warmup-s of untimed iterations (cuBLAS setup, the allocator's first blocks, a JVM boot under the preload).

    python3 test-gpu/src/torch_train.py --seconds 10 [--warmup-s 3] [--batch 8192] [--width 4096] [--layers 4]

The queue is kept two iterations deep with events (a CPU running far ahead would make the final synchronize long and
the window inexact); the window opens at a full synchronize and closes at the last one.
"""
import argparse
import json
import os
import sys
import time


def libhami_mapped():
    try:
        with open("/proc/self/maps") as f:
            return any("libhami" in line for line in f)
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--warmup-s", type=float, default=3)
    ap.add_argument("--batch", type=int, default=8192)
    ap.add_argument("--width", type=int, default=4096)
    ap.add_argument("--layers", type=int, default=4)
    a = ap.parse_args()
    if a.seconds <= 0 or a.warmup_s < 0 or min(a.batch, a.width, a.layers) < 1:
        ap.error("--seconds must be > 0, --warmup-s >= 0, --batch/--width/--layers >= 1")

    out = {"tool": "torch_train", "pid": os.getpid(), "ok": False}
    try:
        import torch
        torch.backends.cuda.matmul.allow_tf32 = True
        dev = torch.device("cuda")
        layers = []
        for _ in range(a.layers):
            layers += [torch.nn.Linear(a.width, a.width), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(a.width, 10)).to(dev)
        opt = torch.optim.SGD(model.parameters(), lr=1e-4)
        x = torch.randn(a.batch, a.width, device=dev)
        y = torch.randint(0, 10, (a.batch,), device=dev)
        loss_fn = torch.nn.CrossEntropyLoss()
        events = [torch.cuda.Event() for _ in range(3)]

        def step(i):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            events[i % 3].record()
            if i >= 2:
                events[(i - 2) % 3].synchronize()
            return loss

        t_start = time.monotonic()
        i = 0
        while time.monotonic() - t_start < a.warmup_s:
            step(i)
            i += 1
        torch.cuda.synchronize()
        t0, i0 = time.monotonic(), i
        while time.monotonic() - t0 < a.seconds:
            loss = step(i)
            i += 1
        torch.cuda.synchronize()
        t1 = time.monotonic()
        out.update(ok=True, iters=i - i0, window_s=round(t1 - t0, 4), iters_per_s=round((i - i0) / (t1 - t0), 4),
                   warmup_iters=i0, t0_mono=round(t0, 4), t1_mono=round(t1, 4), loss=float(loss),
                   torch=torch.__version__, cuda=torch.version.cuda, device_name=torch.cuda.get_device_name(0),
                   batch=a.batch, width=a.width, layers=a.layers)
    except Exception as e:  # noqa: BLE001 - the runner reads the error from the JSON line
        out.update(error=f"{type(e).__name__}: {e}"[:500])
        print(f"torch_train: {out['error']}", file=sys.stderr)
    out["libhami_mapped"] = libhami_mapped()
    print(json.dumps(out), flush=True)
    return 0 if out["ok"] else 2


if __name__ == "__main__":
    sys.exit(main())
