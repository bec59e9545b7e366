import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { tmp } from '../../helpers/tmp.ts';

const PROCS = 6;
const TRIALS = 30;
const SPACING = 300; // ms between trials: each holder keeps the lock for half of it

/** PROCS processes call acquireLock on the same folder in the same millisecond, TRIALS times; per trial, the
 *  intervals in which each holder held the lock. On a loaded machine a process may start late and take the lock after
 *  the first released it: two holders one after the other are fine, two at once are not. */
async function race(stale: boolean): Promise<Map<number, [number, number][]>> {
  const root = tmp('zf-lock-');
  for (let t = 0; t < TRIALS; t++) {
    mkdirSync(join(root, String(t)));
    // A lock left by a run that died: pid 2^22+1 is above Linux's default pid_max, so never alive.
    if (stale) writeFileSync(join(root, String(t), '.lock'), `${2 ** 22 + 1} deadbeef\n`);
  }
  const startAt = Date.now() + 4000; // after every process has started
  const runs = await Promise.all(
    Array.from({ length: PROCS }, () =>
      execa(
        'node',
        [
          '--import',
          'tsx',
          join(PROJECT_ROOT, 'test', 'integration', 'engine', 'lock-worker.ts'),
          root,
          String(startAt),
          String(TRIALS),
          String(SPACING),
        ],
        { cwd: PROJECT_ROOT },
      ),
    ),
  );
  const holders = new Map<number, [number, number][]>();
  for (const r of runs) {
    for (const line of String(r.stdout).split('\n').filter(Boolean)) {
      const [t, what, ...rest] = line.split(' ');
      if (what === 'busy')
        expect(rest.join(' ')).toBe(''); // "busy" only ever because another run holds it
      else holders.set(Number(t), [...(holders.get(Number(t)) ?? []), [Number(rest[0]), Number(rest[1])]]);
    }
  }
  return holders;
}

describe('output-folder lock under concurrent processes', () => {
  it.each([
    ['a fresh folder', false],
    ['a stale lock left by a dead run', true],
  ])('has one holder at a time (and at least one) per trial on %s', async (_what, stale) => {
    const holders = await race(stale as boolean);
    const overlaps = Array.from({ length: TRIALS }, (_, t) => {
      const held = [...(holders.get(t) ?? [])].sort((a, b) => a[0] - b[0]);
      if (held.length === 0) return `trial ${t}: nobody got the lock`;
      const clash = held.findIndex(([from], i) => i > 0 && from < held[i - 1][1]);
      return clash > 0 ? `trial ${t}: held at once ${JSON.stringify([held[clash - 1], held[clash]])}` : '';
    }).filter(Boolean);
    expect(overlaps).toEqual([]);
  });
});
