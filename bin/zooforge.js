#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by scripts/setup.sh; start-up ~0.1 s). From a checkout whose dist/ is
// missing or older than a source file it runs the TypeScript sources through tsx instead: slower to start, same code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.built');

/** Newest modification time of the TypeScript sources (about 100 stat calls: a millisecond or two). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

const compiled = existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource(join(root, 'pipeline'));
let cli;
if (compiled) {
  ({ cli } = await import('../dist/pipeline/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ cli } = await import('../pipeline/cli/main.ts'));
}
await cli(process.argv.slice(2));
