import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from '../errors.ts';
import { ownerText, tryLock } from '../tools/lockfile.ts';

/** The right to compute one cache key. Runs that share a cache (a sweep's variants, a cluster's nodes) and miss the
 *  same key take turns: the first computes and commits, the others wait here and then find the entry. A holder that
 *  dies (or whose machine stops its heartbeat) loses the lease to the next waiter. */
export async function leaseKey(path: string, signal: AbortSignal, onWait: (who: string) => void): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  let told = false;
  for (;;) {
    if (signal.aborted) throw new InterruptedError();
    const got = tryLock(path);
    if (got.held) return got.release;
    if (!told) onWait(ownerText(got.owner));
    told = true;
    await sleep(250, undefined, { signal }).catch(() => undefined);
  }
}
