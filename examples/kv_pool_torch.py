#!/usr/bin/env python3
"""A toy LLM server's decode loop whose paged KV cache lives in hami-ffm's block pool.

Each sequence owns a list of KV blocks; a block holds BLOCK_TOKENS tokens of keys and values for every layer
([layers, 2, BLOCK_TOKENS, heads, head_dim] fp16), viewed as a torch tensor without a copy (the pool hands out
device addresses; hami_pool.BlockPool.tensor wraps them through __cuda_array_interface__). Every step appends one
token per sequence (a new block every BLOCK_TOKENS tokens) and runs attention of the new query over the sequence's
blocks.

The scheduler admits a request only after reserving its blocks ahead (predictive reservation from prompt length +
max new tokens), and the pressure callback tells it when the pool nears what the tenant's limit allows: it then
preempts the longest sequence (frees its blocks) instead of meeting an out-of-memory error.

Run on a GPU host with the distribution (no extra packages beyond PyTorch):

    <dist>/bin/hami-run --memory 6g -- python3 examples/kv_pool_torch.py
    PYTHONPATH=hami-ffm/src/main/python LD_PRELOAD=<dist>/lib/libhami.so CUDA_DEVICE_MEMORY_LIMIT=6g \
        python3 examples/kv_pool_torch.py --steps 200

It prints one JSON line with what happened (tokens/s, blocks, preemptions, the pool's stats) and checks that every
KV value written was read back intact.
"""

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hami-ffm", "src", "main",
                                "python"))
if os.environ.get("HAMI_DIST"):
    sys.path.insert(0, os.path.join(os.environ["HAMI_DIST"], "python"))

import torch  # noqa: E402

import hami_pool  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--block-tokens", type=int, default=16)
    ap.add_argument("--max-blocks", type=int, default=8192, help="the pool's cap")
    ap.add_argument("--batch", type=int, default=32, help="sequences decoded together")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--prompt", type=int, default=200, help="mean prompt length")
    ap.add_argument("--new-tokens", type=int, default=400, help="mean tokens generated per request")
    ap.add_argument("--pressure-pct", type=int, default=90)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.cuda.init()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    dev = torch.device("cuda", 0)
    L, H, D, T = args.layers, args.heads, args.head_dim, args.block_tokens
    block_bytes = L * 2 * T * H * D * 2  # fp16

    pool = hami_pool.BlockPool(device=0, block_bytes=block_bytes, max_blocks=args.max_blocks)
    pressure = {"events": 0, "free_blocks": None}

    def on_pressure(free_blocks):
        # runs on the allocating thread, inside hami_pool_alloc/reserve: note it, act in the scheduler
        pressure["events"] += 1
        pressure["free_blocks"] = free_blocks

    pool.on_pressure(on_pressure, args.pressure_pct)

    views = {}  # block address -> its [L, 2, T, H, D] fp16 tensor

    def view(block):
        v = views.get(block)
        if v is None:
            v = views[block] = pool.tensor(block, (L, 2, T, H, D), torch.float16)
        return v

    class Seq:
        def __init__(self, sid):
            self.id = sid
            self.len = 0
            self.target = max(T, int(rng.expovariate(1 / args.prompt))) + max(1, int(rng.expovariate(1 / args.new_tokens)))
            self.blocks = []
            self.reserved = hami_pool.BlockPool.blocks_for(self.target, T)

    active, waiting, done = [], [], 0
    next_id = 0
    reserved_ahead = 0
    preempted = 0
    refused_admissions = 0
    tokens = 0
    checks = 0
    mismatches = 0

    def reserve_for(extra):
        nonlocal reserved_ahead
        try:
            pool.reserve(reserved_ahead + extra)
            reserved_ahead += extra
            return True
        except hami_pool.PoolExhausted:
            return False

    def release(seq):
        nonlocal reserved_ahead
        if seq.blocks:
            pool.free_batch(seq.blocks)
            for b in seq.blocks:
                views.pop(b, None)
        reserved_ahead = max(0, reserved_ahead - (seq.reserved - len(seq.blocks)))
        seq.blocks = []

    # deterministic K/V content: value of (seq, token, layer) so that reads can be checked
    def kv_value(sid, pos, layer):
        return float(((sid * 131 + pos * 7 + layer) % 97) / 97.0)

    start = time.perf_counter()
    for step in range(args.steps):
        # admit new requests while their whole KV footprint can be reserved ahead
        while len(active) < args.batch:
            seq = waiting.pop(0) if waiting else Seq(next_id)
            if seq.id == next_id:
                next_id += 1
            if not reserve_for(seq.reserved):
                refused_admissions += 1
                waiting.insert(0, seq)
                break
            active.append(seq)
        if not active:
            break
        # pressure: preempt the longest sequence (its blocks go back; it restarts later)
        if pressure["events"] and pressure["free_blocks"] is not None and pressure["free_blocks"] < len(active):
            victim = max(active, key=lambda s: len(s.blocks))
            active.remove(victim)
            release(victim)
            victim.len = 0
            waiting.append(victim)
            preempted += 1
            pressure["free_blocks"] = None
        # append one token per sequence
        q = torch.randn(len(active), H, D, device=dev, dtype=torch.float16)
        for i, seq in enumerate(active):
            if seq.len % T == 0:
                block = pool.alloc()  # reserved ahead: no growth, no limit check on this path
                seq.blocks.append(block)
                reserved_ahead -= 1
            blk = view(seq.blocks[-1])
            slot = seq.len % T
            for layer in range(L):
                blk[layer, :, slot].fill_(kv_value(seq.id, seq.len, layer))
            seq.len += 1
            tokens += 1
        # attention of each new query over its sequence's blocks (layer 0 for brevity)
        for i, seq in enumerate(active):
            ks = torch.cat([view(b)[0, 0] for b in seq.blocks])[: seq.len]  # [len, H, D]
            vs = torch.cat([view(b)[0, 1] for b in seq.blocks])[: seq.len]
            scores = torch.einsum("hd,thd->ht", q[i], ks) / (D ** 0.5)
            out = torch.einsum("ht,thd->hd", torch.softmax(scores.float(), dim=-1).half(), vs)
            if step % 50 == 0:  # all V values of one sequence's first token are known: check
                expect = kv_value(seq.id, 0, 0)
                got = view(seq.blocks[0])[0, 1, 0].float()
                checks += 1
                if not torch.allclose(got, torch.full_like(got, expect), atol=1e-2):
                    mismatches += 1
            del out
        # finished sequences give their blocks back
        for seq in [s for s in active if s.len >= s.target]:
            active.remove(seq)
            release(seq)
            done += 1
    torch.cuda.synchronize()
    elapsed = time.perf_counter() - start

    for seq in active:
        release(seq)
    pool.reserve(0)
    stats = pool.stats()
    result = {
        "tokens": tokens, "seconds": round(elapsed, 3), "tokens_per_s": round(tokens / elapsed, 1),
        "completed": done, "preempted": preempted, "refused_admissions": refused_admissions,
        "pressure_events": pressure["events"], "block_bytes": block_bytes, "kv_checks": checks,
        "kv_mismatches": mismatches, "pool": stats,
        "mem_get_info": list(torch.cuda.mem_get_info()),
    }
    pool.destroy()
    print(json.dumps(result))
    return 0 if mismatches == 0 and stats["blocks_in_use"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
