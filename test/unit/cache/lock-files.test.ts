import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STALE_MS, tryLock } from '../../../pipeline/tools/lockfile.ts';
import { tmp } from '../../helpers/tmp.ts';

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
