#!/usr/bin/env bash
# Installs what the product needs on a fresh Debian 12 machine; a no-op when everything is there.
#   scripts/install-deps.sh          runtime: OpenCV's native dependencies
#   scripts/install-deps.sh --tests  also RabbitMQ and Chromium for the end-to-end and browser tests, and docker-compose
#                                    (its `config` validates compose/docker-compose.yml; no Docker engine needed)
#   scripts/install-deps.sh --bench  also Debian's PyTorch for the benchmarks' CPU peer (bench/peers); never needed by tests
set -euo pipefail

packages=(libgtk-3-0)
for flag in "$@"; do
  case "$flag" in
    --tests) packages+=(rabbitmq-server chromium docker-compose) ;;
    --bench) packages+=(python3-torch python3-torchvision python3-pil) ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [[ $EUID -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # The Debian package starts a broker on 5672; tests run their own node, so keep the service from starting.
  echo exit 101 | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null && $sudo_cmd chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  $sudo_cmd rm -f /usr/sbin/policy-rc.d
fi
