#!/usr/bin/env bash
# The replicas benchmark on the GPU host (device tool), from the repository root, after these were copied to $CHUNKS:
# the chunks of `scripts/pack-gpu-bench.sh 55M Embedder` (+ SHA256SUMS), data.tar (the shared photos) and debs/
# (`scripts/portable-rabbitmq.sh download`). Leaves round.log, dmon.log and docs.tar.gz (docs/benchmarks.md) in $OUT.
#   CHUNKS=/tmp/gx OUT=... bash scripts/gpu-replicas-round.sh [MESSAGES] [DECODER...]   (default 20000 gpu cpu)
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
messages="${1:-20000}"
decoders=("${@:2}"); [ ${#decoders[@]} -gt 0 ] || decoders=(gpu cpu)
exec > >(tee "$OUT/round.log") 2>&1
date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; lscpu | grep -E 'Model name|^CPU\(s\)'
(cd "$CHUNKS" && sha256sum -c --quiet SHA256SUMS) || { echo "chunks damaged"; exit 1; }
cat "$CHUNKS"/bench.tar.* | tar -x -C /tmp || exit 1
# Managed assemblies rebuilt since the pack ($CHUNKS/override/) replace the packed ones: the native part need not travel again.
for dll in "$CHUNKS"/override/*.dll; do [ -e "$dll" ] && cp "$dll" /tmp/gpu/ && echo "override: $(basename "$dll")"; done
"$repo/scripts/portable-rabbitmq.sh" unpack "$CHUNKS/debs" /tmp/rabbitmq || exit 1
mkdir -p /tmp/data /tmp/repo && tar -xf "$CHUNKS/data.tar" -C /tmp/data && cp -r "$repo/docs" /tmp/repo/ && touch /tmp/repo/Ingest.sln
cd /tmp/repo
export IMAGESEARCH_RABBITMQ_ROOT=/tmp/rabbitmq IMAGESEARCH_SERVICE_APPS=/tmp/gpu
nvidia-smi dmon -s um -d 1 -o T > "$OUT/dmon.log" 2>&1 &
dmon=$!
for decoder in "${decoders[@]}"; do
  echo "=== replicas, decoder $decoder ($(date -u +%T))"
  timeout 280 /tmp/gpu/run-on-gpu-host.sh replicas --provider cuda --decoder "$decoder" --embedders 1,2,4 --batch 256 --concurrency 4 \
    --messages "$messages" --data /tmp/data
  echo "=== exit $? ($(date -u +%T))"
  tar -czf "$OUT/docs.tar.gz" -C /tmp/repo docs
done
kill $dmon
date -u
