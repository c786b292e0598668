#!/usr/bin/env bash
# Regenerates the CUDA driver bindings with jextract (https://jdk.java.net/jextract/) from includes.txt.
#
# The checked-in sources in src/main/java/io/hami/bindings/cuda are hand-written in jextract's shape with
# one deliberate change: function holders get addresses from CudaDriver.Resolver (the product's C
# trampoline), never from SymbolLookup. jextract's output looks symbols up with SymbolLookup, so
# regenerated output needs that one change (replace its findOrThrow/SYMBOL_LOOKUP with
# CudaDriver.resolve(NAME) inside a lazy holder) before it replaces the sources. Output therefore goes
# to target/jextract for review and diffing, not over src/.
#
# Usage: bindings/regenerate.sh   (env: CUDA_INCLUDE, default /usr/local/cuda/include; OUT)
set -euo pipefail

# Checked first, with builtins only, so the failure is clear on any PATH.
if ! command -v jextract >/dev/null 2>&1; then
    echo "regenerate.sh: jextract is not on PATH." >&2
    echo "Install jextract (https://jdk.java.net/jextract/) and put its bin/ on PATH, then rerun." >&2
    exit 1
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cuda_include=${CUDA_INCLUDE:-/usr/local/cuda/include}
out=${OUT:-$here/target/jextract}

if [[ ! -f "$cuda_include/cuda.h" ]]; then
    echo "regenerate.sh: $cuda_include/cuda.h not found; set CUDA_INCLUDE to the CUDA include directory." >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cuda.h declares *_ptsz symbols only under CUDA_API_PER_THREAD_DEFAULT_STREAM, where the legacy
# names become macros for them, so the two sets need separate runs.
grep -v -e '_ptsz' "$here/includes.txt" > "$tmp/legacy.txt"
{ grep -v -e '^--include-function' "$here/includes.txt"; grep -e '^--include-function .*_ptsz' "$here/includes.txt"; } \
    > "$tmp/ptsz.txt"

rm -rf "$out"
jextract --output "$out/legacy" --target-package io.hami.bindings.cuda --header-class-name CudaDriver \
    -I "$cuda_include" @"$tmp/legacy.txt" "$cuda_include/cuda.h"
jextract --output "$out/ptsz" --target-package io.hami.bindings.cuda --header-class-name CudaDriver \
    -D CUDA_API_PER_THREAD_DEFAULT_STREAM -I "$cuda_include" @"$tmp/ptsz.txt" "$cuda_include/cuda.h"

echo "Generated into $out/{legacy,ptsz}. Merge the _ptsz holders into CudaDriver, apply the Resolver change"
echo "described at the top of this script, and diff against src/main/java/io/hami/bindings/cuda."
