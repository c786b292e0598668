#!/usr/bin/env python3
"""PoolIT's check of hami_pool.py (ctypes on the C ABI) against the fake driver: prints key=value lines.

Usage: check_hami_pool.py PYTHON_DIR   (libhami.so preloaded, or HAMI_LIB / HAMI_DIST set)
"""
import ctypes
import sys

sys.path.insert(0, sys.argv[1])
import hami_pool  # noqa: E402

cuda = ctypes.CDLL("libcuda.so.1")
ctx = ctypes.c_void_p()
assert cuda.cuInit(0) == 0
assert cuda.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), 0) == 0
assert cuda.cuCtxSetCurrent(ctx) == 0

pool = hami_pool.BlockPool(0, 1 << 20, 64)
events = []
pool.on_pressure(lambda free: events.append(free), 50)
blocks = []
while True:
    b = pool.try_alloc()
    if b is None:
        break
    blocks.append(b)
print("allocated=%d" % len(blocks))
print("distinct=%d" % len(set(blocks)))
print("events=%s" % ",".join(str(e) for e in events))
try:
    pool.alloc()
    print("exhausted=none")
except hami_pool.PoolExhausted as e:
    print("exhausted=%d" % e.code)
pool.free(blocks[0])
try:
    pool.free(blocks[0])
    print("double_free=0")
except hami_pool.PoolError as e:
    print("double_free=%d" % e.code)
pool.free_batch(blocks[1:])
batch = pool.alloc_batch(5)
print("batch=%d" % len(set(batch)))
pool.free_batch(batch)
pool.reserve(hami_pool.BlockPool.blocks_for(100, 16))
stats = pool.stats()
print("reserved_blocks=%d" % stats["reserved_blocks"])
pool.reserve(0)
stats = pool.stats()
for key in ("block_bytes", "capacity_blocks", "blocks_in_use", "reserved_bytes", "failed_allocs"):
    print("%s=%d" % (key, stats[key]))
pool.on_pressure(None)
pool.destroy()
try:
    pool.handle = ctypes.c_void_p(0x4850000000000001)
    pool.alloc()
    print("stale=0")
except hami_pool.PoolError as e:
    print("stale=%d" % e.code)
print("done=1")
