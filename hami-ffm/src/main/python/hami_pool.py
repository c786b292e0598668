"""hami_pool: the KV-cache block pool of hami-ffm from Python, through ctypes on libhami.so's C ABI.

The C ABI is declared in ``<dist>/include/hami.h`` and described in ``docs/pool.md``. Every call returns a CUresult;
this module turns failures into exceptions (``PoolExhausted`` for ``CUDA_ERROR_OUT_OF_MEMORY``, the pressure signal
a server reacts to by evicting or queueing), except ``try_alloc``, which returns ``None``.

Finding the library: in a process started with ``hami-run`` or with ``LD_PRELOAD=<dist>/lib/libhami.so`` the symbols
are already loaded; otherwise ``HAMI_LIB`` (the path of libhami.so) or ``HAMI_DIST`` (the distribution) says where it
is. Initialize CUDA first (``torch.cuda.init()``, ``cuInit``): pools live in the device's primary context, the one
PyTorch uses.

    import torch, hami_pool
    torch.cuda.init()
    pool = hami_pool.BlockPool(device=0, block_bytes=2 << 20, max_blocks=1024)
    block = pool.alloc()                                  # an int: a CUdeviceptr
    kv = pool.tensor(block, (16, 8, 128), torch.float16)  # a view of the block, no copy
    pool.free(block)                                      # after the last use of kv
"""

import ctypes
import os

__all__ = ["BlockPool", "PoolError", "PoolExhausted", "PoolStats", "load_library",
           "CUDA_SUCCESS", "CUDA_ERROR_INVALID_VALUE", "CUDA_ERROR_OUT_OF_MEMORY", "CUDA_ERROR_NOT_INITIALIZED"]

CUDA_SUCCESS = 0
CUDA_ERROR_INVALID_VALUE = 1
CUDA_ERROR_OUT_OF_MEMORY = 2
CUDA_ERROR_NOT_INITIALIZED = 3
HAMI_POOL_VMM = 1

_NAMES = {1: "CUDA_ERROR_INVALID_VALUE", 2: "CUDA_ERROR_OUT_OF_MEMORY", 3: "CUDA_ERROR_NOT_INITIALIZED",
          101: "CUDA_ERROR_INVALID_DEVICE", 801: "CUDA_ERROR_NOT_SUPPORTED", 999: "CUDA_ERROR_UNKNOWN"}


class PoolError(RuntimeError):
    """A pool call failed; ``code`` is the CUresult."""

    def __init__(self, call, code):
        super().__init__("%s failed: %d (%s)" % (call, code, _NAMES.get(code, "CUresult")))
        self.code = code


class PoolExhausted(PoolError):
    """CUDA_ERROR_OUT_OF_MEMORY: the pool can grow neither within max_blocks nor within the tenant's limit."""


class PoolStats(ctypes.Structure):
    """struct hami_pool_stats of hami.h (128 bytes)."""
    _fields_ = [
        ("block_bytes", ctypes.c_uint64),
        ("max_blocks", ctypes.c_uint64),
        ("capacity_blocks", ctypes.c_uint64),
        ("blocks_in_use", ctypes.c_uint64),
        ("reserved_bytes", ctypes.c_uint64),
        ("growth_steps", ctypes.c_uint64),
        ("shrink_steps", ctypes.c_uint64),
        ("pressure_events", ctypes.c_uint64),
        ("failed_allocs", ctypes.c_uint64),
        ("chunk_blocks", ctypes.c_uint64),
        ("reserved_blocks", ctypes.c_uint64),
        ("device", ctypes.c_int32),
        ("flags", ctypes.c_uint32),
        ("spare", ctypes.c_uint64 * 4),
    ]

    def as_dict(self):
        d = {name: getattr(self, name) for name, _ in self._fields_ if name != "spare"}
        d["vmm"] = bool(self.flags & HAMI_POOL_VMM)
        d["free_blocks"] = self.capacity_blocks - self.blocks_in_use
        return d


assert ctypes.sizeof(PoolStats) == 128

PRESSURE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)

_lib = None


def load_library(path=None):
    """libhami.so with the hami_pool_* prototypes set: the loaded one, else HAMI_LIB, else HAMI_DIST/lib/."""
    global _lib
    if _lib is not None and path is None:
        return _lib
    lib = None
    if path is None:
        process = ctypes.CDLL(None)
        if hasattr(process, "hami_pool_create"):
            lib = process
        else:
            path = os.environ.get("HAMI_LIB")
            if not path and os.environ.get("HAMI_DIST"):
                path = os.path.join(os.environ["HAMI_DIST"], "lib", "libhami.so")
    if lib is None:
        if not path:
            raise OSError("libhami.so is not loaded: run under hami-run or LD_PRELOAD=<dist>/lib/libhami.so, "
                          "or set HAMI_LIB / HAMI_DIST")
        lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    vp, sz, u64 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64
    protos = {
        "hami_pool_create": [ctypes.c_int, sz, sz, ctypes.POINTER(vp)],
        "hami_pool_alloc": [vp, ctypes.POINTER(u64)],
        "hami_pool_alloc_batch": [vp, sz, ctypes.POINTER(u64)],
        "hami_pool_free": [vp, u64],
        "hami_pool_free_batch": [vp, sz, ctypes.POINTER(u64)],
        "hami_pool_reserve": [vp, sz],
        "hami_pool_set_pressure_callback": [vp, PRESSURE_FN, ctypes.c_uint, vp],
        "hami_pool_stats": [vp, ctypes.POINTER(PoolStats)],
        "hami_pool_destroy": [vp],
    }
    for name, args in protos.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = ctypes.c_int
    _lib = lib
    return lib


def _check(call, code):
    if code == CUDA_ERROR_OUT_OF_MEMORY:
        raise PoolExhausted(call, code)
    if code != CUDA_SUCCESS:
        raise PoolError(call, code)


class _CudaView:
    """A device range as __cuda_array_interface__ (v3) bytes, for torch.as_tensor / cupy without a copy."""

    def __init__(self, ptr, nbytes):
        self.__cuda_array_interface__ = {"shape": (nbytes,), "typestr": "|u1", "data": (ptr, False),
                                         "version": 3, "strides": None, "stream": None}


class BlockPool:
    """A pool of fixed-size device blocks for this tenant on one device (see docs/pool.md). Thread-safe."""

    def __init__(self, device, block_bytes, max_blocks, lib=None):
        self._lib = lib or load_library()
        handle = ctypes.c_void_p()
        _check("hami_pool_create", self._lib.hami_pool_create(int(device), int(block_bytes), int(max_blocks),
                                                              ctypes.byref(handle)))
        self.handle = handle
        self.device = int(device)
        self.block_bytes = self.stats()["block_bytes"]
        self._callback = None  # the ctypes thunk must outlive its registration
        self._out = ctypes.c_uint64()

    def alloc(self):
        """One block's device address (an int); PoolExhausted under pressure."""
        out = ctypes.c_uint64()
        _check("hami_pool_alloc", self._lib.hami_pool_alloc(self.handle, ctypes.byref(out)))
        return out.value

    def try_alloc(self):
        """One block's address, or None when the pool is exhausted (other failures raise)."""
        out = ctypes.c_uint64()
        code = self._lib.hami_pool_alloc(self.handle, ctypes.byref(out))
        if code == CUDA_ERROR_OUT_OF_MEMORY:
            return None
        _check("hami_pool_alloc", code)
        return out.value

    def alloc_batch(self, n):
        """n blocks at once (all or none) as a list of ints."""
        out = (ctypes.c_uint64 * n)()
        _check("hami_pool_alloc_batch", self._lib.hami_pool_alloc_batch(self.handle, n, out))
        return list(out)

    def free(self, block):
        _check("hami_pool_free", self._lib.hami_pool_free(self.handle, int(block)))

    def free_batch(self, blocks):
        blocks = list(blocks)
        array = (ctypes.c_uint64 * len(blocks))(*blocks)
        _check("hami_pool_free_batch", self._lib.hami_pool_free_batch(self.handle, len(blocks), array))

    def reserve(self, n_blocks):
        """Keep at least n_blocks free blocks ready (growing now, within the limit); give back whole free chunks
        beyond that. reserve(0) returns every wholly free chunk."""
        _check("hami_pool_reserve", self._lib.hami_pool_reserve(self.handle, int(n_blocks)))

    @staticmethod
    def blocks_for(tokens, tokens_per_block):
        """Blocks that hold `tokens` tokens: what to reserve from sequence lengths."""
        return -(-int(tokens) // int(tokens_per_block))

    def on_pressure(self, fn, threshold_pct=90):
        """fn(free_blocks) runs on the allocating thread when use reaches threshold_pct % of what the pool can reach
        (0: only on refusals), and on every refusal. fn=None removes it. fn must not raise."""
        if fn is None:
            thunk = PRESSURE_FN()
        else:
            def thunk_body(pool, free_blocks, user):
                try:
                    fn(free_blocks)
                except Exception:  # an exception cannot cross back into C
                    import traceback
                    traceback.print_exc()
            thunk = PRESSURE_FN(thunk_body)
        _check("hami_pool_set_pressure_callback",
               self._lib.hami_pool_set_pressure_callback(self.handle, thunk, int(threshold_pct), None))
        self._callback = thunk if fn is not None else None

    def stats(self):
        s = PoolStats()
        _check("hami_pool_stats", self._lib.hami_pool_stats(self.handle, ctypes.byref(s)))
        return s.as_dict()

    def destroy(self):
        if self.handle:
            _check("hami_pool_destroy", self._lib.hami_pool_destroy(self.handle))
            self.handle = ctypes.c_void_p()

    close = destroy

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.destroy()
        return False

    def tensor(self, block, shape, dtype, offset_bytes=0):
        """A torch tensor viewing `shape` of `dtype` inside one block (no copy; valid until the block is freed)."""
        import torch
        count = 1
        for dim in shape:
            count *= int(dim)
        nbytes = count * torch.empty((), dtype=dtype).element_size()
        if offset_bytes < 0 or offset_bytes + nbytes > self.block_bytes:
            raise ValueError("%d bytes at offset %d do not fit a block of %d" % (nbytes, offset_bytes,
                                                                              self.block_bytes))
        raw = torch.as_tensor(_CudaView(int(block) + offset_bytes, nbytes), device="cuda:%d" % self.device)
        return raw.view(dtype).view(*shape)
