#!/usr/bin/env bash
# Sourced by the GPU-host round scripts, there: checks and unpacks the payload of `scripts/gpu-replicas-round.sh pack`
# from $CHUNKS into /tmp/payload (RabbitMQ debs, shared photos) and /tmp/gpu (published benchmarks and services), once
# per warm machine; managed assemblies in $CHUNKS/override/ replace the packed ones, so a rebuilt assembly need not
# carry the large native part again.
unpack_payload() {
  if [ ! -x /tmp/gpu/ImageSearch.Benchmarks ]; then
    (cd "$CHUNKS" && sha256sum -c --quiet SHA256SUMS) || { echo "chunks damaged"; return 1; }
    mkdir -p /tmp/payload && cat "$CHUNKS"/payload.tgz.* | tar -xz -C /tmp/payload || return 1
    rm -rf /tmp/gpu && mv /tmp/payload/gpu /tmp/gpu
  fi
  for dll in "$CHUNKS"/override/*.dll; do [ -e "$dll" ] && cp "$dll" /tmp/gpu/ && echo "override: $(basename "$dll")"; done
  return 0
}
