import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { leaseKey } from '../../../pipeline/cache/lease.ts';
import { CacheStore } from '../../../pipeline/cache/store.ts';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { tmp } from '../../helpers/tmp.ts';

const KEY = 'ab'.repeat(32);

describe('cache leases: runs sharing a cache compute each key once', () => {
  it('6 processes missing the same key at the same instant: one computes and commits, five wait and reuse; the entry verifies', async () => {
    const root = tmp('zf-lease-');
    const startAt = Date.now() + 3000;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        execa(
          'node',
          [
            '--import',
            'tsx',
            join(PROJECT_ROOT, 'test', 'integration', 'cache', 'lease-worker.ts'),
            root,
            KEY,
            String(startAt),
          ],
          { cwd: PROJECT_ROOT },
        ),
      ),
    );
    const said = runs.map((r) => String(r.stdout).trim()).sort();
    expect(said).toEqual(['computed', 'reused', 'reused', 'reused', 'reused', 'reused']);
    const hit = await new CacheStore(root).lookup(KEY);
    expect(hit.status).toBe('hit');
    expect(existsSync(new CacheStore(root).leaseFor(KEY))).toBe(false); // released
    expect(readdirSync(join(root, KEY.slice(0, 2))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('a waiter is told who holds the lease, gets it when it is released, and stops waiting on Ctrl-C', async () => {
    const path = join(tmp('zf-lease-'), 'k.lease');
    const first = await leaseKey(path, new AbortController().signal, () => {});
    const told: string[] = [];
    const second = leaseKey(path, new AbortController().signal, (who) => told.push(who));
    await new Promise((r) => setTimeout(r, 400));
    expect(told).toEqual(['another run in this same process']);
    first();
    (await second)();
    const held = await leaseKey(path, new AbortController().signal, () => {});
    const ctrl = new AbortController();
    const waiting = leaseKey(path, ctrl.signal, () => {});
    ctrl.abort();
    await expect(waiting).rejects.toThrow(/interrupted/);
    held();
  });
});
