#!/usr/bin/env python3
"""PyTorch side of test-gpu/pool.sh: block alloc+free pairs of PyTorch's caching allocator and of hami-ffm's pool
through its Python binding (ctypes on the C ABI), same sizes and pattern as pool_bench (W allocations, then W frees).

    pool_torch.py --mode caching   torch.empty(size, uint8, cuda) + del, after warm-up (the cache serves them)
    pool_torch.py --mode pool      hami_pool.BlockPool.alloc/free and alloc_batch/free_batch (libhami preloaded),
                                   plus wrapping a block as a tensor (BlockPool.tensor) and a write/read through it

Prints one JSON object.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "hami-ffm", "src", "main", "python"))


def rounds_ns(fn, ws, rounds, warmup):
    for _ in range(warmup):
        fn()
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        fn()
        per.append((time.perf_counter_ns() - t0) / ws)
    return statistics.median(per)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["caching", "pool"], required=True)
    ap.add_argument("--sizes", default="262144,524288,1048576,2097152")
    ap.add_argument("--working-set", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=250, help="rounds before timing (the pool's Java side compiles after ~10k calls)")
    args = ap.parse_args()

    import torch
    torch.cuda.init()
    dev = torch.device("cuda", 0)
    torch.empty(1, device=dev)  # context
    ws = args.working_set
    out = {"mode": args.mode, "torch": torch.__version__, "working_set": ws, "sizes": []}
    if args.mode == "caching":
        out["allocator_backend"] = getattr(torch.cuda.memory, "get_allocator_backend", lambda: "?")()
        for size in [int(s) for s in args.sizes.split(",")]:
            held = []

            def pairs():
                for _ in range(ws):
                    held.append(torch.empty(size, dtype=torch.uint8, device=dev))
                held.clear()

            out["sizes"].append({"size": size, "pair_ns": rounds_ns(pairs, ws, args.rounds, args.warmup)})
    else:
        import hami_pool
        for size in [int(s) for s in args.sizes.split(",")]:
            pool = hami_pool.BlockPool(0, size, ws * 2)
            pool.reserve(ws)
            held = [0] * ws

            def pairs():
                for i in range(ws):
                    held[i] = pool.alloc()
                for b in held:
                    pool.free(b)

            def batch():
                pool.free_batch(pool.alloc_batch(ws))

            entry = {"size": size, "pair_ns": rounds_ns(pairs, ws, args.rounds, args.warmup),
                     "batch_pair_ns": rounds_ns(batch, ws, args.rounds, args.warmup)}
            # a block as a tensor: write through one view, read through another
            block = pool.alloc()
            t0 = time.perf_counter_ns()
            view = pool.tensor(block, (size // 2,), torch.float16)
            entry["tensor_wrap_ns"] = time.perf_counter_ns() - t0
            view.fill_(1.5)
            again = pool.tensor(block, (size // 4,), torch.float32)
            entry["tensor_roundtrip_ok"] = bool(torch.all(again.view(torch.float16) == 1.5).item())
            del view, again
            torch.cuda.synchronize()
            pool.free(block)
            entry["stats"] = pool.stats()
            pool.destroy()
            out["sizes"].append(entry)
    out["mem_get_info"] = list(torch.cuda.mem_get_info())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
