#!/usr/bin/env bash
# Assembles the distribution during 'package': assemble.sh DIST JAVA_HOME LAUNCHER_JAR LIBHAMI
#   DIST/bin/hami-run, DIST/lib/{hami-launcher.jar,libhami.so} (the other jars come from maven-dependency-plugin),
#   DIST/runtime: java.base + java.instrument linked from JAVA_HOME, rebuilt every time (jlink refuses an existing
#   output directory, and a stale runtime must never survive a JDK change).
set -euo pipefail
dist="$1" java_home="$2" launcher_jar="$3" libhami="$4"
src="$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"

if [ ! -f "$libhami" ]; then
  echo "assemble: $libhami is missing: build hami-ffm first (mvn install -pl hami-ffm -am)" >&2
  exit 1
fi
mkdir -p "$dist/bin" "$dist/lib"
install -m 0755 "$src/bin/hami-run" "$dist/bin/hami-run"
install -m 0644 "$launcher_jar" "$dist/lib/hami-launcher.jar"
install -m 0755 "$libhami" "$dist/lib/libhami.so"

rm -rf "$dist/runtime"
"$java_home/bin/jlink" --add-modules java.base,java.instrument --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$dist/runtime"
echo "assemble: $dist ($(du -sh "$dist/runtime" | cut -f1) runtime from $java_home)"
