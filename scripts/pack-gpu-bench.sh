#!/usr/bin/env bash
# Packs the benchmarks with the CUDA build of ONNX Runtime for a GPU host that has no .NET SDK and no network:
# a self-contained linux-x64 publish plus the Debian libraries OpenCV's native library links (GTK, fonts, glib...),
# which a headless GPU host lacks; split into chunks small enough for one transfer each. Not compressed: xz took over
# 10 minutes on a busy 2-core machine and saves only ~40 % (the CUDA provider barely compresses), while each extra chunk
# costs ~5 s of device time.
#   scripts/pack-gpu-bench.sh [CHUNK_SIZE] [PROJECT...]   (default 55M) -> .bench/gpu-chunks/bench.tar.* + SHA256SUMS
# Each PROJECT (a service of src/ such as Embedder, or a path such as tests/Embedding.Tests) is published into the same
# folder, sharing the runtime and the CUDA provider: the multi-process benchmarks run a service's apphost there
# (IMAGESEARCH_SERVICE_APPS, see tests/TestSupport/ServiceBuild.cs), and a test project's apphost runs its GPU tests
# (BENCH_EXE=ImageSearch.Embedding.Tests run-on-gpu-host.sh -class ..., with IMAGESEARCH_DATA).
# `scripts/gpu-replicas-round.sh pack` then bundles that folder with RabbitMQ and the shared photos into the payload that
# scripts/gpu-bench-round.sh and scripts/gpu-replicas-round.sh unpack on the GPU host.
set -euo pipefail
cd "$(dirname "$0")/.."
chunk="${1:-55M}"
out=.bench/gpu
rm -rf "$out" .bench/gpu-chunks && mkdir -p .bench/gpu-chunks
projects=(bench/Benchmarks)
for project in "${@:2}"; do [[ "$project" == */* ]] && projects+=("$project") || projects+=("src/$project"); done
for project in "${projects[@]}"; do
  dotnet publish "$project" -c Release -r linux-x64 --self-contained true -p:OnnxRuntimeFlavor=Gpu -o "$out"
  dotnet restore "$project" >/dev/null # back to the default (CPU) flavour for local builds
done

# Every library OpenCV needs except glibc and the C++ runtime, which any host has in a newer version. They are copied
# from this machine, so they must be here: a pack without GTK starts nothing on the GPU host, and says so only there.
scripts/install-deps.sh
if ldd "$out/libOpenCvSharpExtern.so" | grep "not found"; then
  echo "OpenCV's native library lacks the libraries above on this machine; the pack would not run on the GPU host" >&2
  exit 1
fi
mkdir -p "$out/native-deps"
ldd "$out/libOpenCvSharpExtern.so" | awk '/=> \//{print $3}' \
  | grep -vE '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' \
  | xargs -I{} cp -L {} "$out/native-deps/"
cp scripts/run-on-gpu-host.sh "$out/"

tar -C .bench -cf - gpu | split -b "$chunk" - .bench/gpu-chunks/bench.tar.
(cd .bench/gpu-chunks && sha256sum bench.tar.* > SHA256SUMS)
du -sh "$out" .bench/gpu-chunks
