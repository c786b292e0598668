#!/usr/bin/env bash
# Every allocation path under hami-run --memory 4g on the GPU (issue 3), native side by side: for each API
# (test-gpu/src/api_fill.c: cuMemAlloc, pitch, managed, async, pool, VMM, arrays 2D/3D/mipmapped, a graph memory
# node, IPC import across two processes) fill the limit, check the crossing allocation fails with
# CUDA_ERROR_OUT_OF_MEMORY, and compare what the process is charged (its own cuMemGetInfo: total - free, and
# `hami-run status --json`) with NVML's usage of that pid (nvidia-smi --query-compute-apps), itemized: the context
# (NVML before the first allocation), the driver's own per-allocation overhead (the native run's NVML minus its bytes);
# what is left must be within 2 MiB per API. External memory needs a Vulkan/GL exporter: not run here (CI covers it).
# Then oversubscription: test-gpu/src/oversub.cu writes and checksums 8 GiB under `--memory 4g --oversubscribe`; its
# NVML device usage must stay within the 4 GiB limit. Writes $OUT/gpu-memory-apis.json and prints a table last.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test-gpu/out}
mkdir -p "$OUT"
DIST=${HAMI_DIST:-launcher/target/hami}
BUILD=$(mktemp -d)
gcc -O2 -std=gnu11 -I/usr/local/cuda/include -o "$BUILD/api_fill" test-gpu/src/api_fill.c \
    -L/usr/local/cuda/lib64/stubs -lcuda
nvcc -O2 -o "$BUILD/oversub" test-gpu/src/oversub.cu
PYTHONUNBUFFERED=1 python3 test-gpu/src/memory_apis.py "$BUILD" "$DIST" "$OUT/gpu-memory-apis.json"
