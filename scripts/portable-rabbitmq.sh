#!/usr/bin/env bash
# RabbitMQ without installing it, for a host with no network and no package manager access (the GPU host): Debian's
# rabbitmq-server and Erlang packages, downloaded here and extracted there with dpkg-deb. Debian's erl scripts name
# /usr/lib/erlang outright, so unpack points them at the extracted copy. RabbitMqNode runs the extracted scripts when
# IMAGESEARCH_RABBITMQ_ROOT names the root (as the user running them, no switch to user rabbitmq).
#   scripts/portable-rabbitmq.sh download DEBS     (here: the .deb files into DEBS)
#   scripts/portable-rabbitmq.sh unpack DEBS ROOT  (there: extract, then export IMAGESEARCH_RABBITMQ_ROOT=ROOT)
set -euo pipefail
case "${1:-}" in
  download)
    mkdir -p "$2" && cd "$2"
    apt-get download rabbitmq-server erlang-base erlang-asn1 erlang-crypto erlang-eldap erlang-ftp erlang-inets erlang-mnesia \
      erlang-os-mon erlang-parsetools erlang-public-key erlang-runtime-tools erlang-snmp erlang-ssl erlang-syntax-tools \
      erlang-tftp erlang-tools erlang-xmerl ;;
  unpack)
    root="$(mkdir -p "$3" && cd "$3" && pwd)"
    for deb in "$2"/*.deb; do dpkg-deb -x "$deb" "$root"; done
    grep -lE '^ *ROOTDIR=/usr/lib/erlang$' -r "$root/usr/lib/erlang/bin" "$root"/usr/lib/erlang/erts-*/bin \
      | xargs sed -i "s#^\( *\)ROOTDIR=/usr/lib/erlang\$#\1ROOTDIR=$root/usr/lib/erlang#" ;;
  *) echo "usage: $0 download DEBS | unpack DEBS ROOT" >&2; exit 2 ;;
esac
