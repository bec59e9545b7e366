#!/usr/bin/env bash
# One-time (and idempotent) set-up for zooforge on Debian 12/13: system packages, the Python venv, npm deps.
# Called by `npm run demo` and `npm test`. When everything is in place it only checks stamps (< 5 s).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*" >&2; }

APT_PACKAGES=(python3-torch python3-torchvision python3-numpy python3-venv python3-pip dataset-fashion-mnist chromium)

if [ ! -f /etc/debian_version ]; then
  say "this script supports Debian 12/13 (and derivatives) only."
  say "elsewhere: install PyTorch + torchvision + numpy for Python 3, the Fashion-MNIST IDX files in"
  say "/usr/share/datasets/fashion-mnist, then: python3 -m venv --system-site-packages .venv &&"
  say ".venv/bin/pip install -r scripts/requirements.txt && npm ci; or set ZOOFORGE_PYTHON to a Python that has them."
  exit 1
fi

# 1. Debian packages (only the missing ones; apt-get update only when something is missing).
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
    say "missing Debian packages: ${missing[*]}; run as root: apt-get install ${missing[*]}"; exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. The venv: Debian's torch/torchvision/numpy through --system-site-packages, pinned pip packages on top.
PY=.venv/bin/python
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  say "creating .venv (/usr/bin/python3 -m venv --system-site-packages)"
  rm -rf .venv
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
stamp=".venv/.zooforge-requirements"
want="$(sha256sum scripts/requirements.txt | cut -d' ' -f1) $("$PY" -c 'import platform; print(platform.python_version())')"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  constraints=$(mktemp)
  "$PY" - > "$constraints" <<'PYEOF'
from importlib import metadata
for dist in ("numpy", "torch", "torchvision"):  # never let pip replace Debian's builds
    print(f"{dist}=={metadata.version(dist)}")
PYEOF
  say "pip-installing scripts/requirements.txt into .venv (constraints: $(tr '\n' ' ' < "$constraints"))"
  "$PY" -m pip install -q --disable-pip-version-check -r scripts/requirements.txt -c "$constraints"
  rm -f "$constraints"
  "$PY" -c 'import torch, torchvision, numpy, onnx, onnxruntime, onnxsim, timm, PIL' \
    || { say "the venv does not import its packages; see the pip output above"; exit 1; }
  echo "$want" > "$stamp"
fi

# 3. npm dependencies, exactly as locked.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.zooforge-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" > node_modules/.zooforge-lock
fi

# 4. The compiled CLI (dist/), rebuilt when a source, the TypeScript config or the lock file changed.
build_sum=$(find pipeline -name '*.ts' -print0 | sort -z | xargs -0 cat tsconfig.json tsconfig.build.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat dist/.built 2>/dev/null)" != "$build_sum" ]; then
  say "compiling the CLI into dist/ (tsc -p tsconfig.build.json)"
  rm -rf dist
  node_modules/.bin/tsc -p tsconfig.build.json
  echo "$build_sum" > dist/.built
fi
