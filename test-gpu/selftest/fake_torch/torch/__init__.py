"""A fake 'torch' for checking test-gpu/src/torch_limit.py without a GPU
(selftest.sh only). It allocates through the driver symbols found in the
process's global namespace (so an LD_PRELOADed libhami.so is seen first) and
imitates the caching allocator just enough: 256 MiB requests become one
segment each, memory_reserved() counts the segments, OOM raises
torch.cuda.OutOfMemoryError with a torch-like message."""
import ctypes
import types

__version__ = "0.0+selftest"
version = types.SimpleNamespace(cuda="mock")
uint8 = "uint8"

_lib = None
_segments = []     # [ptr, size, in_use]
_peak = 0


def _g():
    global _lib
    if _lib is None:
        ctypes.CDLL("libcuda.so.1", mode=ctypes.RTLD_GLOBAL)
        g = ctypes.CDLL(None)
        assert g.cuInit(0) == 0
        dev = ctypes.c_int()
        assert g.cuDeviceGet(ctypes.byref(dev), 0) == 0
        ctx = ctypes.c_void_p()
        assert g.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev) == 0
        assert g.cuCtxSetCurrent(ctx) == 0
        _lib = g
    return _lib


class OutOfMemoryError(RuntimeError):
    pass


class Tensor:
    def __init__(self, seg):
        self._seg = seg

    def __del__(self):
        self._seg[2] = False


def _reserved():
    return sum(s[1] for s in _segments)


def empty(n, dtype=None, device=None):
    global _peak
    size = (n + (2 << 20) - 1) // (2 << 20) * (2 << 20)
    for s in _segments:
        if not s[2] and s[1] == size:
            s[2] = True
            return Tensor(s)
    g = _g()
    p = ctypes.c_uint64()
    rc = g.cuMemAlloc_v2(ctypes.byref(p), ctypes.c_size_t(size))
    if rc == 2:
        cuda.empty_cache()
        rc = g.cuMemAlloc_v2(ctypes.byref(p), ctypes.c_size_t(size))
    if rc == 2:
        free, total = cuda.mem_get_info()
        raise OutOfMemoryError(
            "CUDA out of memory. Tried to allocate %.2f MiB. GPU 0 has a total capacity of %.2f GiB "
            "of which %.2f MiB is free. Of the allocated memory %.2f GiB is allocated by PyTorch, and "
            "%.2f GiB is reserved by PyTorch but unallocated." % (
                size / 2**20, total / 2**30, free / 2**20,
                sum(s[1] for s in _segments if s[2]) / 2**30,
                sum(s[1] for s in _segments if not s[2]) / 2**30))
    if rc != 0:
        raise RuntimeError("CUDA error: driver error %d" % rc)
    seg = [p.value, size, True]
    _segments.append(seg)
    _peak = max(_peak, _reserved())
    return Tensor(seg)


def _mem_get_info(device=None):
    g = _g()
    f, t = ctypes.c_size_t(), ctypes.c_size_t()
    rc = g.cuMemGetInfo_v2(ctypes.byref(f), ctypes.byref(t))
    if rc != 0:
        raise RuntimeError("CUDA error: cuMemGetInfo_v2 %d" % rc)
    return f.value, t.value


def _empty_cache():
    g = _g()
    for s in [s for s in _segments if not s[2]]:
        g.cuMemFree_v2(ctypes.c_uint64(s[0]))
        _segments.remove(s)


cuda = types.SimpleNamespace(
    OutOfMemoryError=OutOfMemoryError,
    is_available=lambda: _g() is not None,
    get_device_name=lambda d=0: "Mock H100 80GB HBM3 (fake torch)",
    mem_get_info=_mem_get_info,
    memory_reserved=_reserved,
    memory_allocated=lambda: sum(s[1] for s in _segments if s[2]),
    max_memory_reserved=lambda: _peak,
    synchronize=lambda: None,
    empty_cache=_empty_cache,
)
