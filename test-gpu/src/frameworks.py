"""Frameworks under a memory limit (issue 3): each case allocates until the framework's own out-of-memory error and
reports what it saw, what it was told (the virtualized total) and what the GPU says (NVML per-process usage).

    python3 frameworks.py CASE      CASE: torch-default | torch-expandable | torch-async | cupy | jax
Prints one JSON object.
"""
import json, os, sys, time

CHUNK = 256 << 20
CAP = 64  # never more than 16 GiB even if the limit failed


def nvml_used():
    """This process's device memory as NVML sees it (the ground truth beside our accounting)."""
    try:
        import pynvml
        pynvml.nvmlInit()
        h = pynvml.nvmlDeviceGetHandleByIndex(0)
        for p in pynvml.nvmlDeviceGetComputeRunningProcesses(h):
            if p.pid == os.getpid():
                return p.usedGpuMemory
        return None
    except Exception as e:  # noqa: BLE001 - report, never fail the case on the probe
        return f"nvml: {e}"


def torch_case(conf):
    if conf:
        os.environ["PYTORCH_CUDA_ALLOC_CONF"] = conf
    import torch
    free, total = torch.cuda.mem_get_info()
    held, err = [], None
    try:
        while len(held) < CAP:
            held.append(torch.empty(CHUNK, dtype=torch.uint8, device="cuda"))
    except torch.cuda.OutOfMemoryError as e:
        err = str(e)[:200]
    torch.cuda.synchronize()
    out = {"count": len(held), "total": total, "free_before": free, "reserved": torch.cuda.memory_reserved(),
           "nvml_used": nvml_used(), "oom": err}
    del held
    torch.cuda.empty_cache()
    return out


def cupy_case():
    import cupy
    free, total = cupy.cuda.Device(0).mem_info
    held, err = [], None
    try:
        while len(held) < CAP:
            held.append(cupy.empty(CHUNK, dtype=cupy.uint8))
    except cupy.cuda.memory.OutOfMemoryError as e:
        err = str(e)[:200]
    pool = cupy.get_default_memory_pool()
    out = {"count": len(held), "total": total, "free_before": free, "pool_total": pool.total_bytes(),
           "nvml_used": nvml_used(), "oom": err}
    return out


def jax_case():
    import jax, jax.numpy as jnp
    d = jax.devices()[0]
    stats = d.memory_stats() or {}
    ok = float(jnp.sum(jnp.ones((1024,), dtype=jnp.float32))) == 1024.0  # computes correctly before filling
    held, err = [], None
    try:
        while len(held) < CAP:
            x = jnp.zeros((CHUNK // 4,), dtype=jnp.float32)
            x.block_until_ready()
            held.append(x)
    except Exception as e:  # XlaRuntimeError RESOURCE_EXHAUSTED
        err = f"{type(e).__name__}: {str(e)[:200]}"
    return {"count": len(held), "bytes_limit": stats.get("bytes_limit"), "bytes_reserved": stats.get("bytes_reserved"),
            "nvml_used": nvml_used(), "oom": err, "result_ok": ok}


case = sys.argv[1]
t0 = time.time()
if case == "torch-default":
    r = torch_case(None)
elif case == "torch-expandable":
    r = torch_case("expandable_segments:True")
elif case == "torch-async":
    r = torch_case("backend:cudaMallocAsync")
elif case == "cupy":
    r = cupy_case()
elif case == "jax":
    r = jax_case()
else:
    sys.exit(f"unknown case {case}")
r.update(case=case, seconds=round(time.time() - t0, 2))
print(json.dumps(r))
