#!/usr/bin/env bash
# Assembles the distribution during 'package': assemble.sh DIST JAVA_HOME LAUNCHER_JAR LIBHAMI
#   DIST/bin/hami-run, DIST/lib/{hami-launcher.jar,libhami.so} (the other jars come from maven-dependency-plugin,
#   which runs before this script in the same phase), DIST/runtime: java.base + java.instrument (+ java.logging and
#   jdk.httpserver for hami-run monitor) linked from
#   JAVA_HOME, rebuilt every time (jlink refuses an existing output directory, and a stale runtime must never survive
#   a JDK change), and DIST/lib/hami.aot: the AOT cache of the JVM that libhami.so boots (docs/startup.md).
#
# The AOT cache is trained here, by a separate process, on DIST/runtime itself and with exactly the options the
# trampoline embeds: the training *is* the real boot. A small C program from the test sources allocates through
# DIST/lib/libhami.so against the fake driver of the test sources (test code used as a build-time workload only:
# neither ships), with HAMI_JVM_OPTIONS=-XX:AOTCacheOutput=..., which the trampoline appends last and which makes it
# destroy the JVM at exit so that the cache gets written. Before it, runs with TRACE_RESOLVE list the method-handle
# forms a process misses in java.base's holder classes, which the training then regenerates with them. A last run
# with -XX:AOTMode=on proves the cache is accepted, or fails the build. HAMI_AOT=0 skips all of it (the trampoline then
# boots without a cache).
set -euo pipefail
dist="$1" java_home="$2" launcher_jar="$3" libhami="$4"
src="$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd -P -- "$src/../../.." && pwd -P)"

if [ ! -f "$libhami" ]; then
  echo "assemble: $libhami is missing: build hami-ffm first (mvn install -pl hami-ffm -am)" >&2
  exit 1
fi
mkdir -p "$dist/bin" "$dist/lib"
install -m 0755 "$src/bin/hami-run" "$dist/bin/hami-run"
install -m 0644 "$launcher_jar" "$dist/lib/hami-launcher.jar"
install -m 0755 "$libhami" "$dist/lib/libhami.so"
install -m 0644 "$src/lib/hami.jsh" "$dist/lib/hami.jsh" # hami-run jshell's startup script
install -D -m 0644 "$repo/hami-ffm/src/main/include/hami.h" "$dist/include/hami.h" # the C ABI (docs/pool.md)
install -D -m 0644 "$repo/hami-ffm/src/main/python/hami_pool.py" "$dist/python/hami_pool.py"

rm -rf "$dist/runtime"
rm -f "$dist/lib/hami.aot"
# java.logging + jdk.httpserver: hami-run monitor's HTTP endpoint (the Prometheus client's); the embedded JVM uses
# neither (its AOT cache below is trained on this very runtime)
"$java_home/bin/jlink" --add-modules java.base,java.instrument,java.logging,jdk.httpserver --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$dist/runtime"
echo "assemble: $dist ($(du -sh "$dist/runtime" | cut -f1) runtime from $java_home)"

if [ "${HAMI_AOT:-1}" = "0" ]; then
  echo "assemble: HAMI_AOT=0: no AOT cache (the embedded JVM boots without one)"
  exit 0
fi
for jar in hami-ffm.jar hami-bindings.jar; do
  if [ ! -f "$dist/lib/$jar" ]; then
    echo "assemble: $dist/lib/$jar is missing: the AOT cache must be trained on the jars it ships with" >&2
    exit 1
  fi
done

# the training workload: the fake driver and two test programs, built outside the distribution
train="$(dirname -- "$dist")/aot-train"
rm -rf "$train"
mkdir -p "$train"
make -s -C "$repo/hami-ffm/src/test/c" OUT="$train" "$train/fake/libcuda.so.1" "$train/fake/libcuda.so" \
  "$train/bin/alloc_until_oom" "$train/bin/launch_loop" >"$train/make.log" 2>&1 || {
  cat "$train/make.log" >&2
  echo "assemble: cannot build the AOT training program (gcc, make, CUDA headers)" >&2
  exit 1
}

cache="$dist/lib/hami.aot"
# a process under a 64 MiB limit through the distribution, against the fake driver:
#   boot JVM_OPTIONS [NAME=VALUE...] -- PROGRAM [ARGS...]
boot() {
  local options=$1 vars=()
  shift
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env -i PATH="/usr/bin:/bin" LD_LIBRARY_PATH="$train/fake" LD_PRELOAD="$dist/lib/libhami.so" \
    CUDA_DEVICE_MEMORY_LIMIT=64m CUDA_DEVICE_MEMORY_SHARED_CACHE="$train/train.region" \
    FAKECUDA_TOTAL_MB=1024 FAKECUDA_LEDGER="$train/ledger" HAMI_JVM_OPTIONS="$options" "${vars[@]}" "$@"
}
# one run of the real thing: cuGetProcAddress resolution (as cudart 13 does), context, allocations up to the limit,
# the refusal, frees and memory queries, all through the hooks. train_run OPTIONS
train_run() {
  boot "$1" -- "$train/bin/alloc_until_oom" --mode procaddr --chunk 1m
}
trace_forms="-Djava.lang.invoke.MethodHandle.TRACE_RESOLVE=true"
# The method-handle forms a process looks up in java.base's holder classes and does not find, each then spun at run
# time (~0.7 ms, interpreted; docs/startup.md step 12). The training's record phase regenerates those holders from
# the runtime's lib/classlist, so the forms missed by the boot, by the launch hooks' shapes (an SM share) and by
# kernel launches under a share are appended to it first, as the JDK's own classlist spells them.
forms="$train/forms.txt"
: >"$forms"
forms_of() { # forms_of [NAME=VALUE...] -- PROGRAM [ARGS...]
  if ! boot "$trace_forms" "$@" >"$train/forms.out" 2>&1; then
    cat "$train/forms.out" >&2
    echo "assemble: the process that lists its method-handle forms failed" >&2
    exit 1
  fi
  sed -n 's/^\(\[[A-Z_]*_RESOLVE\] .*\) (\(fail\|generated\))$/@lambda-form-invoker \1/p' "$train/forms.out" >>"$forms"
}
forms_of -- "$train/bin/alloc_until_oom" --mode procaddr --chunk 1m
forms_of CUDA_DEVICE_SM_LIMIT=50 -- "$train/bin/alloc_until_oom" --mode procaddr --chunk 1m
forms_of CUDA_DEVICE_SM_LIMIT=50 FAKECUDA_KERNEL_NS=200000 -- "$train/bin/launch_loop" --seconds 1 --warmup 0.5
sort -u "$forms" -o "$forms"
cat "$forms" >>"$dist/runtime/lib/classlist"
start=$(date +%s%N)
if ! train_run "-XX:AOTCacheOutput=$cache" >"$train/train.out" 2>"$train/train.err" || [ ! -s "$cache" ]; then
  cat "$train/train.out" "$train/train.err" >&2
  echo "assemble: AOT training failed" >&2
  exit 1
fi
trained=$(( ($(date +%s%N) - start) / 1000000 ))
# accepted by exactly this runtime with exactly the embedded options, or the build fails (AOTMode=on is loud)
if ! train_run "-XX:AOTMode=on $trace_forms" >"$train/check.out" 2>"$train/check.err" \
    || ! grep -qx "allocated=64" "$train/check.out" \
    || grep -qE '\]\[(error|warning) *\]|Error occurred|Unable to use' "$train/check.err"; then
  cat "$train/check.out" "$train/check.err" >&2
  echo "assemble: the trained AOT cache $cache is not accepted (-XX:AOTMode=on)" >&2
  exit 1
fi
spun=$(cat "$train/check.out" "$train/check.err" | grep -cE ' \((fail|generated)\)$' || true)
echo "assemble: $cache ($(du -h "$cache" | cut -f1), trained in ${trained} ms, accepted with -XX:AOTMode=on;" \
  "$(wc -l <"$forms") method-handle forms added to the holders, $spun still spun)"
