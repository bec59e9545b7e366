import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { tmp } from '../helpers/tmp.ts';

const PROCS = 6;
const TRIALS = 30;
const SPACING = 300; // ms between trials: each holder keeps the lock for half of it

/** PROCS processes call acquireLock on the same folder in the same millisecond, TRIALS times; count the holders. */
async function race(stale: boolean): Promise<Map<number, number>> {
  const root = tmp('zf-lock-');
  for (let t = 0; t < TRIALS; t++) {
    mkdirSync(join(root, String(t)));
    // A lock left by a run that died: pid 2^22+1 is above Linux's default pid_max, so never alive.
    if (stale) writeFileSync(join(root, String(t), '.lock'), `${2 ** 22 + 1} deadbeef\n`);
  }
  const startAt = Date.now() + 4000; // after every process has started
  const runs = await Promise.all(Array.from({ length: PROCS }, () =>
    execa('node', ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'engine', 'lock-worker.ts'), root, String(startAt), String(TRIALS), String(SPACING)], { cwd: PROJECT_ROOT })));
  const holders = new Map<number, number>();
  for (const r of runs) {
    for (const line of String(r.stdout).split('\n').filter(Boolean)) {
      const [t, what, ...rest] = line.split(' ');
      expect(rest.join(' ')).toBe(''); // "busy" only ever because another run holds it
      if (what === 'got') holders.set(Number(t), (holders.get(Number(t)) ?? 0) + 1);
    }
  }
  return holders;
}

describe('output-folder lock under concurrent processes', () => {
  it.each([['a fresh folder', false], ['a stale lock left by a dead run', true]])('has exactly one holder per trial on %s', async (_what, stale) => {
    const holders = await race(stale as boolean);
    const counts = Array.from({ length: TRIALS }, (_, t) => holders.get(t) ?? 0);
    expect(counts).toEqual(Array(TRIALS).fill(1));
  });
});
