#!/usr/bin/env python3
"""torch_limit.py - what PyTorch sees and can allocate under a memory limit.

Prints torch.cuda.mem_get_info(), then allocates 256 MiB tensors
(torch.empty(256 << 20, dtype=torch.uint8, device='cuda')) until
torch.cuda.OutOfMemoryError (or --max tensors), and reports the count, the
OOM message (first 300 characters), torch.cuda.memory_reserved() after every
allocation (its maximum) and torch.cuda.max_memory_reserved().

Usage: torch_limit.py [--max N] [--chunk-mib 256]
Human lines go to stderr; one JSON object goes to stdout (last line).
Exit 0 when the script ran to completion (whatever the count), 1 when torch or
CUDA could not be set up (the JSON then says why).
"""
import argparse
import json
import sys
import time
import traceback


def log(msg):
    print("torch_limit: " + msg, file=sys.stderr, flush=True)


def hami_mapped():
    """True when a library whose path contains 'libhami' is mapped into this process."""
    try:
        with open("/proc/self/maps") as f:
            return any("libhami" in line for line in f)
    except OSError:
        return None


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=0, help="stop after N tensors (0 = until OOM)")
    ap.add_argument("--chunk-mib", type=int, default=256)
    args = ap.parse_args()
    chunk = args.chunk_mib << 20
    res = {"tool": "torch_limit", "ok": False, "chunk": chunk, "max": args.max,
           "hami_mapped": hami_mapped()}

    t0 = time.time()
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - report anything
        res["error"] = "import torch failed: %r" % (e,)
        emit(res)
        return 1
    res["torch_version"] = getattr(torch, "__version__", "?")
    res["torch_cuda"] = getattr(getattr(torch, "version", None), "cuda", None)
    try:
        res["allocator_backend"] = torch.cuda.get_allocator_backend()
    except Exception:  # noqa: BLE001 - older torch or fake
        res["allocator_backend"] = None
    try:
        if not torch.cuda.is_available():
            res["error"] = "torch.cuda.is_available() is False"
            emit(res)
            return 1
        res["device"] = torch.cuda.get_device_name(0)
        free_b, total_b = torch.cuda.mem_get_info()
    except Exception as e:  # noqa: BLE001
        res["error"] = "CUDA setup failed: %s" % (str(e)[:300],)
        res["traceback"] = traceback.format_exc()[-1500:]
        emit(res)
        return 1
    res["mem_get_info_before"] = {"free": int(free_b), "total": int(total_b)}
    res["setup_s"] = round(time.time() - t0, 3)
    log("device %s, mem_get_info free=%d (%.3f GiB) total=%d (%.3f GiB)"
        % (res["device"], free_b, free_b / 2**30, total_b, total_b / 2**30))

    tensors = []
    reserved_trace = []
    stop = "oom"
    oom_msg = None
    err = None
    oom_cls = getattr(torch.cuda, "OutOfMemoryError", None)
    while True:
        if args.max and len(tensors) >= args.max:
            stop = "max"
            break
        try:
            tensors.append(torch.empty(chunk, dtype=torch.uint8, device="cuda"))
        except Exception as e:  # noqa: BLE001
            msg = str(e)
            if (oom_cls is not None and isinstance(e, oom_cls)) or "out of memory" in msg.lower():
                stop = "oom"
                oom_msg = msg[:300]
                res["oom_type"] = type(e).__name__
            else:
                stop = "error"
                err = "%s: %s" % (type(e).__name__, msg[:300])
            break
        reserved_trace.append(int(torch.cuda.memory_reserved()))

    count = len(tensors)
    res["count"] = count
    res["stop"] = stop
    res["oom_message"] = oom_msg
    res["alloc_error"] = err
    res["memory_reserved_held"] = int(torch.cuda.memory_reserved())
    res["memory_allocated_held"] = int(torch.cuda.memory_allocated())
    res["max_memory_reserved"] = int(torch.cuda.max_memory_reserved())
    res["reserved_trace_max"] = max(reserved_trace) if reserved_trace else 0
    res["reserved_trace"] = reserved_trace
    try:
        f_full, t_full = torch.cuda.mem_get_info()
        res["mem_get_info_full"] = {"free": int(f_full), "total": int(t_full)}
    except Exception as e:  # noqa: BLE001
        res["mem_get_info_full"] = {"error": str(e)[:300]}
    log("%d tensors of %d MiB (stop=%s), memory_reserved=%d max_memory_reserved=%d"
        % (count, args.chunk_mib, stop, res["memory_reserved_held"], res["max_memory_reserved"]))
    if oom_msg:
        log("OOM message: " + oom_msg.replace("\n", " "))
    if err:
        log("allocation error: " + err)

    del tensors
    try:
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        f_end, t_end = torch.cuda.mem_get_info()
        res["mem_get_info_after_empty_cache"] = {"free": int(f_end), "total": int(t_end)}
        res["memory_reserved_after_empty_cache"] = int(torch.cuda.memory_reserved())
    except Exception as e:  # noqa: BLE001
        res["mem_get_info_after_empty_cache"] = {"error": str(e)[:300]}
    res["ok"] = True
    res["elapsed_s"] = round(time.time() - t0, 3)
    emit(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
