#!/usr/bin/env bash
# setup.sh: installs what dsforge needs on Debian 12 (or Ubuntu 24.04), idempotently.
#   - Debian packages: compilers, toml++, fmt, Boost, Catch2, CLI11, nlohmann-json,
#     utf8proc, and the fortunes text the quickstart reads.
#   - A Python venv with the torch==2.11.0 wheel, whose LibTorch we build against.
# A second run only checks and takes seconds. Prints nothing but progress;
# `scripts/setup.sh --print-torch-prefix` prints the CMake prefix of LibTorch.
set -euo pipefail

CACHE="${DSFORGE_CACHE:-$HOME/.cache/dsforge}"
VENV="$CACHE/venv"
TORCH_VERSION="2.11.0"
# torch for LibTorch; the rest are oracles for tests and benchmarks only
# (Hugging Face tokenizers, transformers and PEFT, jinja2, datasketch). One pip
# call installs them all, so the torch pin holds while pip resolves what
# transformers and peft need. The stamp records this list: changing it
# upgrades an existing venv on the next run.
PY_PACKAGES=("torch==$TORCH_VERSION" "numpy" "safetensors" "tokenizers==0.23.3" "jinja2" "datasketch"
  "transformers==5.17.0" "peft==0.21.0")
APT_PACKAGES=(build-essential cmake ninja-build pkg-config
  libtomlplusplus-dev libfmt-dev libboost-dev libcli11-dev nlohmann-json3-dev catch2
  libutf8proc-dev libpcre2-dev fortunes fortunes-zh)

torch_prefix() { "$VENV/bin/python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)'; }

if [[ "${1:-}" == "--print-torch-prefix" ]]; then
  torch_prefix
  exit 0
fi

say() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages -----------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi

# --- Python venv with LibTorch -------------------------------------------------
stamp="$VENV/.dsforge-stamp"
want="${PY_PACKAGES[*]}"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && torch_prefix >/dev/null 2>&1; then
  say "Python venv: ready ($VENV)"
else
  # First run: a new venv (downloads ~3 GB). Later runs with a changed list:
  # pip keeps what is installed and adds or changes only what the list needs.
  say "creating or updating Python venv with ${PY_PACKAGES[*]} in $VENV (first run downloads ~3 GB)"
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "${PY_PACKAGES[@]}"
  echo "$want" > "$stamp"
fi
say "LibTorch: $(torch_prefix)"
