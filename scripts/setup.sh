#!/usr/bin/env bash
# One-time (and idempotent) set-up for zooforge on Debian 12/13: system packages, the Python venv, npm deps.
# In a checkout (npm run demo / npm test call it): .venv/ with scripts/requirements-dev.txt, npm ci, dist/.
# In an installed package (`zooforge setup` calls it with ZOOFORGE_VENV set to the user's data folder): the venv
# there with scripts/requirements.txt only; the package already holds its JavaScript.
# When everything is in place it only checks stamps (< 5 s).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*" >&2; }

if [ -f package-lock.json ]; then checkout=1; else checkout=0; fi # npm never packs the lock file
VENV="${ZOOFORGE_VENV:-.venv}"
REQUIREMENTS=scripts/requirements.txt
[ "$checkout" = 1 ] && REQUIREMENTS=scripts/requirements-dev.txt

# libopenblas0-openmp: without it Debian's torch and numpy call the reference BLAS, and torch's 1x1 convolutions run
# ~10x slower (ResNeXt50's export check: 1.2 s a forward pass, 0.1 s with it). The OpenMP build follows torch's threads.
APT_PACKAGES=(python3-torch python3-torchvision python3-numpy libopenblas0-openmp python3-venv python3-pip
  dataset-fashion-mnist chromium)

if [ ! -f /etc/debian_version ]; then
  say "this script supports Debian 12/13 (and derivatives) only."
  say "elsewhere: install PyTorch + torchvision + numpy for Python 3, the Fashion-MNIST IDX files in"
  say "/usr/share/datasets/fashion-mnist, then: python3 -m venv --system-site-packages $VENV &&"
  say "$VENV/bin/pip install -r $REQUIREMENTS; or set ZOOFORGE_PYTHON to a Python that has them."
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
PY="$VENV/bin/python"
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  if [ -e "$VENV" ] && [ ! -f "$VENV/pyvenv.cfg" ]; then
    say "$VENV exists and is not a Python venv: refusing to replace it; set ZOOFORGE_VENV to a new folder"; exit 1
  fi
  say "creating $VENV (/usr/bin/python3 -m venv --system-site-packages)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
stamp="$VENV/.zooforge-requirements"
want="$(cat scripts/requirements*.txt | sha256sum | cut -d' ' -f1) $REQUIREMENTS $("$PY" -c 'import platform; print(platform.python_version())')"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  constraints=$(mktemp)
  "$PY" - > "$constraints" <<'PYEOF'
from importlib import metadata
for dist in ("numpy", "torch", "torchvision"):  # never let pip replace Debian's builds
    print(f"{dist}=={metadata.version(dist)}")
PYEOF
  say "pip-installing $REQUIREMENTS into $VENV (constraints: $(tr '\n' ' ' < "$constraints"))"
  "$PY" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" -c "$constraints"
  rm -f "$constraints"
  "$PY" -c 'import torch, torchvision, numpy, onnx, onnxruntime, onnxsim, timm, PIL' \
    || { say "the venv does not import its packages; see the pip output above"; exit 1; }
  echo "$want" > "$stamp"
fi
[ "$checkout" = 1 ] || exit 0

# 3. npm dependencies, exactly as locked.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.zooforge-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" > node_modules/.zooforge-lock
fi

# 4. The compiled CLI (dist/), rebuilt when a source changed.
bash scripts/build-cli.sh
