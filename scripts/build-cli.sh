#!/usr/bin/env bash
# The compiled CLI (dist/) that bin/zooforge.js runs: rebuilt when a source, the TypeScript config or the lock file
# changed. Called by scripts/setup.sh in a checkout and by `npm pack` (prepack), so a packed tarball holds it.
set -euo pipefail
cd "$(dirname "$0")/.."
build_sum=$(find pipeline -name '*.ts' -print0 | sort -z | xargs -0 cat tsconfig.json tsconfig.build.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat dist/.built 2>/dev/null)" != "$build_sum" ]; then
  printf 'setup: %s\n' "compiling the CLI into dist/ (tsc -p tsconfig.build.json)" >&2
  rm -rf dist
  node_modules/.bin/tsc -p tsconfig.build.json
  echo "$build_sum" > dist/.built
fi
