#!/usr/bin/env bash
# Starts the packed benchmarks (scripts/pack-gpu-bench.sh) on a GPU host. OpenCV's native library links GTK and its
# font and image libraries, which a headless GPU host lacks and cannot install without network: the pack carries
# Debian's copies in native-deps/, and only those the host does not have are put on the library path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
extra="$(mktemp -d)"
for lib in "$here"/native-deps/*.so*; do
  name="$(basename "$lib")"
  ldconfig -p | grep -q "^[[:space:]]*$name " || ln -s "$lib" "$extra/$name"
done
export LD_LIBRARY_PATH="$extra${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$here/${BENCH_EXE:-ImageSearch.Benchmarks}" "$@"
