#!/usr/bin/env bash
# The whole product in one process, on the embedded defaults (no RabbitMQ, no Milvus): ingests the sample images (plus
# three broken files, to show the dead letters), then serves search, the API and the web page on http://localhost:8080.
# Extra arguments go to the query API (e.g. --urls http://0.0.0.0:9000, or --Standalone:Ingest:2=/my/photos).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# Broken on purpose: they end in the dead letters with their reasons instead of stopping anything.
bad=data/demo-bad
mkdir -p "$bad"
: > "$bad/empty.jpg"
echo "this is a text file, not a photo" > "$bad/notes.jpg"
head -c 3000 samples/images/fruits.jpg > "$bad/truncated.jpg"

dotnet build src/QueryApi -c Release -v quiet -nologo
echo "Open http://localhost:8080 once the log says the ingest is published (about a minute on 2 CPU cores)."
# `dotnet run` starts the API in its project folder, so every path is given absolute, under this repository's data/.
exec dotnet run --project src/QueryApi -c Release --no-build -- \
  --urls http://localhost:8080 \
  --Standalone:Enabled=true --Standalone:Ingest:0="$PWD/samples/images" --Standalone:Ingest:1="$PWD/$bad" \
  --Embedding:AllowedRoots:0="$PWD/samples" --Embedding:AllowedRoots:1="$PWD/data" \
  --VectorStore:Embedded:Path="$PWD/data/store" --DeadLetters:Path="$PWD/data/dead-letters.db" \
  --QueryApi:UploadsPath="$PWD/data/uploads" --QueryApi:TrackingPath="$PWD/data/insert-tracking.db" "$@"
