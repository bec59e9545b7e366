// One cold run of the Fashion recipe (preprocess -> evaluate), shared by the integration and e2e tiers: test files
// that need those stages as a starting point copy this cache instead of recomputing them (about a minute each on 2
// cores). The run itself is real and checked: fashion.test.ts asserts on what it computed.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { fashionRecipeText } from './recipes.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    warmCache: string;
  }
}

interface Shared {
  dir: string;
  ready: Promise<void>;
  users: number;
}
const slot = globalThis as { zooforgeWarmCache?: Shared };

/** The one warm-up of this vitest process (both tiers' globalSetup run in it): computed by the first caller. */
function shared(): Shared {
  if (slot.zooforgeWarmCache) return slot.zooforgeWarmCache;
  const dir = mkdtempSync(join(tmpdir(), 'zf-warm-'));
  const recipe = join(dir, 'fashion.yaml');
  writeFileSync(recipe, fashionRecipeText());
  const args = ['run', recipe, '--until', 'evaluate', '--out', join(dir, 'run'), '--cache', join(dir, 'cache')];
  const ready = execa('node', [join(PROJECT_ROOT, 'bin', 'zooforge.js'), ...args], {
    reject: false,
    env: { CI: '1' },
  }).then((r) => {
    if (r.exitCode !== 0) throw new Error(`the shared warm-up run failed (exit ${r.exitCode}):\n${r.stderr}`);
  });
  slot.zooforgeWarmCache = { dir, ready, users: 0 };
  return slot.zooforgeWarmCache;
}

/** vitest globalSetup of the integration and e2e tiers. */
export default async function setup(project: TestProject): Promise<() => void> {
  const warm = shared();
  warm.users += 1;
  project.provide('warmCache', join(warm.dir, 'cache'));
  await warm.ready;
  return () => {
    warm.users -= 1;
    if (warm.users === 0) rmSync(warm.dir, { recursive: true, force: true });
  };
}

/** A private copy of the shared cache at `dest` (a test may change or corrupt its cache): the path. */
export function warmCache(dest: string): string {
  cpSync(inject('warmCache'), dest, { recursive: true });
  return dest;
}
