#!/usr/bin/env bash
# One benchmark round on the GPU host (device tool), from the repository root there, once every chunk of
# `scripts/gpu-replicas-round.sh pack` is in $CHUNKS: the PyTorch peer, `gpu` (both decode paths, fp32 and fp16, parity) and
# the in-process `ingest` with each decoder, in one go. Leaves round.log, dmon.log and docs.tar.gz (docs/benchmarks.md and
# its charts) in $OUT.
#   CHUNKS=/tmp/gx OUT=... scripts/gpu-bench-round.sh [IMAGES] [STEP...]   (default 20000 peer gpu ingest; INGEST_MESSAGES, default 60000)
# `ingest` runs with server GC, as the standalone query API (Web SDK) and the embedder worker do.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
images="${1:-20000}"
steps=("${@:2}"); [ ${#steps[@]} -gt 0 ] || steps=(peer gpu ingest)
exec > >(tee -a "$OUT/round.log") 2>&1
date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; lscpu | grep -E 'Model name|^CPU\(s\)'
. "$repo/scripts/gpu-host-payload.sh" && unpack_payload || exit 1
mkdir -p /tmp/repo && cp -rn "$repo/docs" /tmp/repo/ && touch /tmp/repo/Ingest.sln
cd /tmp/repo
# A crash leaves a report with native and managed stacks (createdump ships with the self-contained runtime).
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=1 DOTNET_DbgMiniDumpName=/tmp/dump.%p DOTNET_EnableCrashReport=1
nvidia-smi dmon -s u -d 1 -o T >> "$OUT/dmon.log" 2>&1 &
dmon=$!
bench() { echo "=== $* ($(date -u +%T))"; timeout "$1" /tmp/gpu/run-on-gpu-host.sh "${@:2}"; echo "=== exit $? ($(date -u +%T))";
          tar -czf "$OUT/docs.tar.gz" -C /tmp/repo docs $(ls /tmp/repo/peer.json 2>/dev/null | xargs -r -n1 basename); }
for step in "${steps[@]}"; do
  case "$step" in
    peer) echo "=== peer ($(date -u +%T))"
          PYTHONUNBUFFERED=1 timeout 150 /opt/torch/.venv/bin/python3 "$repo/bench/peers/torch_peer.py" --data /tmp/payload --images "$images" \
            --batches 256 --workers 15 --out /tmp/repo/peer.json ;;
    gpu) bench 240 gpu --images "$images" --batch 256 --concurrency 4 --peer /tmp/repo/peer.json --data /tmp/payload ;;
    ingest) for precision in fp32 fp16; do
              DOTNET_gcServer=1 bench 150 ingest --provider cuda --decoder gpu --precision $precision --messages "${INGEST_MESSAGES:-60000}" --configs 256x4,256x8 --trace true --data /tmp/payload
            done
            DOTNET_gcServer=1 bench 120 ingest --provider cuda --decoder cpu --messages "${INGEST_MESSAGES:-60000}" --configs 256x8 --data /tmp/payload ;;
  esac
done
kill $dmon
cp /tmp/dump.*.crashreport.json "$OUT/" 2>/dev/null
date -u
