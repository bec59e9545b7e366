import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { leaseKey } from '../../pipeline/cache/lease.ts';
import { CacheStore } from '../../pipeline/cache/store.ts';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { STALE_MS, tryLock } from '../../pipeline/tools/lockfile.ts';
import { tmp } from '../helpers/tmp.ts';

const KEY = 'ab'.repeat(32);

describe('cache leases: runs sharing a cache compute each key once', () => {
  it('6 processes missing the same key at the same instant: one computes and commits, five wait and reuse; the entry verifies', async () => {
    const root = tmp('zf-lease-');
    const startAt = Date.now() + 3000;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        execa(
          'node',
          ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'cache', 'lease-worker.ts'), root, KEY, String(startAt)],
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

describe('lock files on a filesystem shared by machines', () => {
  it('a lock of another host is alive while its heartbeat is fresh, stale once it stops for STALE_MS', () => {
    const dir = tmp('zf-lockfile-');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, '.lock');
    writeFileSync(path, '4242 cafe node-7\n'); // pid 4242 means nothing here: it is node-7's
    const fresh = tryLock(path);
    expect(fresh).toMatchObject({ held: false, owner: { pid: 4242, host: 'node-7' } });
    const old = new Date(Date.now() - STALE_MS - 5000);
    utimesSync(path, old, old);
    const taken = tryLock(path);
    expect(taken.held).toBe(true);
    if (taken.held) taken.release();
    expect(existsSync(path)).toBe(false);
  });

  it('a lock of this host whose pid is dead is stale at once, whatever its mtime', () => {
    const path = join(tmp('zf-lockfile-'), '.lock');
    writeFileSync(path, `${2 ** 22 + 1} cafe ${hostname()}\n`); // above Linux's default pid_max: never alive
    const got = tryLock(path);
    expect(got.held).toBe(true);
    if (got.held) got.release();
  });

  it("a lock without a host field (written before hosts were recorded) counts as this host's", () => {
    const path = join(tmp('zf-lockfile-'), '.lock');
    writeFileSync(path, `${2 ** 22 + 1} cafe\n`);
    const got = tryLock(path);
    expect(got.held).toBe(true);
    if (got.held) got.release();
  });
});
