#!/usr/bin/env bash
# The replicas benchmark on the GPU host (device tool). Two steps:
#   scripts/gpu-replicas-round.sh pack    here, after `scripts/pack-gpu-bench.sh 55M Embedder [tests/Embedding.Tests]` and
#                                         `scripts/portable-rabbitmq.sh download .bench/rabbit/debs`: one gzip stream of the
#                                         RabbitMQ debs (first, so the first chunk alone can start a node), the shared photos
#                                         and the published benchmarks + embedder, in 58 MB chunks (.bench/replicas-chunks)
#   CHUNKS=/tmp/gx OUT=... scripts/gpu-replicas-round.sh run [MESSAGES] [DECODER...]   (default 20000 gpu cpu)
#                                         there, from the repository root, once every chunk is in $CHUNKS; leaves round.log,
#                                         dmon.log and docs.tar.gz (docs/benchmarks.md) in $OUT
# The device tool sends the session's checkout, which need not be this worktree: copy the chunks and this folder's two
# scripts into a git-ignored folder of that checkout, carry one chunk per call, and run this script from a scripts/ there.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = pack ]; then
  set -e
  cd "$repo/.bench" && rm -rf replicas-chunks && mkdir -p replicas-chunks
  tar -cf - -C rabbit debs -C /work/shared/data imagenet-100 imagenet-1k-samples -C "$repo/.bench" gpu \
    | gzip -1 | split -b 58M - replicas-chunks/payload.tgz.
  (cd replicas-chunks && sha256sum payload.tgz.* > SHA256SUMS && ls -l)
  exit 0
fi
messages="${2:-20000}"
decoders=("${@:3}"); [ ${#decoders[@]} -gt 0 ] || decoders=(gpu cpu)
exec > >(tee "$OUT/round.log") 2>&1
date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; lscpu | grep -E 'Model name|^CPU\(s\)'
. "$repo/scripts/gpu-host-payload.sh" && unpack_payload || exit 1
[ -x /tmp/rabbitmq/usr/lib/rabbitmq/bin/rabbitmq-server ] || "$repo/scripts/portable-rabbitmq.sh" unpack /tmp/payload/debs /tmp/rabbitmq || exit 1
# -n keeps the sections an earlier round on this machine wrote there.
mkdir -p /tmp/repo && cp -rn "$repo/docs" /tmp/repo/ && touch /tmp/repo/Ingest.sln
cd /tmp/repo
export IMAGESEARCH_RABBITMQ_ROOT=/tmp/rabbitmq IMAGESEARCH_SERVICE_APPS=/tmp/gpu
nvidia-smi dmon -s um -d 1 -o T > "$OUT/dmon.log" 2>&1 &
dmon=$!
for decoder in "${decoders[@]}"; do
  echo "=== replicas, decoder $decoder ($(date -u +%T))"
  timeout 330 /tmp/gpu/run-on-gpu-host.sh replicas --provider cuda --decoder "$decoder" --embedders 1,2,4 --cpu-threads 0,2 --batch 256 --concurrency 8 \
    --messages "$messages" --data /tmp/payload
  echo "=== exit $? ($(date -u +%T))"
  tar -czf "$OUT/docs.tar.gz" -C /tmp/repo docs
done
kill $dmon
date -u
