#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (RabbitMQ, Chromium, OpenCV's libraries), restores, builds, tests.
# Extra arguments go to `dotnet test` (e.g. --filter-class, --report-trx).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
dotnet restore Ingest.sln
dotnet build Ingest.sln -c Release --no-restore -v quiet -nologo
dotnet test --solution Ingest.sln -c Release --no-build "$@"
