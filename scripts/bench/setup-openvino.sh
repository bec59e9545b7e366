#!/usr/bin/env bash
# The OpenVINO benchmark's venv, made once (idempotent): .zooforge/bench/openvino-venv with the pins of
# requirements-openvino.txt and the project's onnxruntime pin (scripts/requirements.txt).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.zooforge/bench/openvino-venv"
stamp="$venv/.zooforge-pins"
pins="$(cat "$here/requirements-openvino.txt"; grep '^onnxruntime==' "$root/scripts/requirements.txt")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pins" ]; then
  exit 0
fi
echo "setup-openvino: creating $venv" >&2
rm -rf "$venv"
/usr/bin/python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  -r "$here/requirements-openvino.txt" "$(grep '^onnxruntime==' "$root/scripts/requirements.txt")" 2>&1 |
  grep -v "^WARNING: Location" >&2 || true
"$venv/bin/python" -c "import openvino, nncf, onnxruntime" # fails the bench here if the install did not work
printf '%s' "$pins" > "$stamp"
