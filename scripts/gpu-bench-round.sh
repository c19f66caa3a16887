#!/usr/bin/env bash
# One benchmark round on the GPU host (device tool), after the chunks of scripts/pack-gpu-bench.sh were copied to $CHUNKS:
# unpacks the benchmarks (with any rebuilt assemblies from override/) and the shared photos, runs the PyTorch peer and the GPU benchmarks in one go, and leaves the logs,
# docs/benchmarks.md and docs/charts in $OUT. Run from a folder holding this script, torch_peer.py, docs/ and data.tar.
#   CHUNKS=/tmp/gx OUT=... bash gpu-bench-round.sh [IMAGES] [MIN_POOL_THREADS_HEX]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
images="${1:-20000}"
# Optional: the .NET thread pool's minimum worker threads, in hex as the runtime reads it (e.g. 80 = 128 threads).
[ -n "${2:-}" ] && export DOTNET_ThreadPool_ForceMinWorkerThreads="$2"
exec > >(tee "$OUT/round.log") 2>&1
date -u; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; lscpu | grep -E 'Model name|^CPU\(s\)'
(cd "$CHUNKS" && sha256sum -c --quiet SHA256SUMS) || { echo "chunks damaged"; exit 1; }
cat "$CHUNKS"/bench.tar.* | tar -x -C /tmp || exit 1
# Managed assemblies rebuilt since the pack (override/) replace the packed ones: the large native part need not be packed again.
for dll in "$here"/override/*.dll; do [ -e "$dll" ] && cp "$dll" /tmp/gpu/ && echo "override: $(basename "$dll")"; done
mkdir -p /tmp/data /tmp/repo/docs && tar -xf "$here/data.tar" -C /tmp/data && cp -r "$here/docs/." /tmp/repo/docs/ && touch /tmp/repo/Ingest.sln
cd /tmp/repo
# A crash leaves a report with native and managed stacks (createdump ships with the self-contained runtime).
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=1 DOTNET_DbgMiniDumpName=/tmp/dump.%p DOTNET_EnableCrashReport=1
nvidia-smi dmon -s u -d 1 > "$OUT/dmon.log" 2>&1 &
dmon=$!
save() { tar -czf "$OUT/docs.tar.gz" -C /tmp/repo docs $(ls /tmp/repo/peer.json 2>/dev/null | xargs -r -n1 basename); }
bench() { echo "=== $* ($(date -u +%T))"; timeout "$1" /tmp/gpu/run-on-gpu-host.sh "${@:2}"; echo "=== exit $? ($(date -u +%T))"; save; }
echo "=== peer ($(date -u +%T))"
PYTHONUNBUFFERED=1 timeout 120 /opt/torch/.venv/bin/python3 "$here/torch_peer.py" --data /tmp/data --images "$images" --batches 64,256 --workers 15 --out /tmp/repo/peer.json
bench 200 gpu --images "$images" --batch 256 --concurrency 4,8,16 --peer /tmp/repo/peer.json --data /tmp/data
bench 120 ingest --provider cuda --decoder gpu --messages "$images" --configs 256x4,512x4 --data /tmp/data
bench 90 ingest --provider cuda --decoder cpu --messages "$images" --configs 256x4 --data /tmp/data
kill $dmon
cp /tmp/dump.*.crashreport.json "$OUT/" 2>/dev/null
date -u
