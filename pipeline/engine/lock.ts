import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '../errors.ts';
import { LOCK_FILE, ownerText, pause, STALE_MS, tryLock } from '../tools/lockfile.ts';

/** How long a run waits for its folder's lock: ZOOFORGE_LOCK_WAIT_S, default 0 (refuse at once). A cluster task
 *  retried after its node was lost sets it, since the lost node's lock only goes stale after STALE_MS. */
function waitMs(): number {
  const s = Number(process.env.ZOOFORGE_LOCK_WAIT_S ?? 0);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** One run per output dir: a `.lock` file holding the owner's pid, a token and its host; a lock whose owner died (or,
 *  on another machine, stopped its heartbeat) is taken over. Returns the release function (which removes the lock
 *  only while it is still ours). */
export function acquireLock(outDir: string): () => void {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, LOCK_FILE);
  const deadline = Date.now() + waitMs();
  for (;;) {
    const got = tryLock(path);
    if (got.held) return got.release;
    if (Date.now() >= deadline) {
      throw new UserInputError(
        `${outDir} is in use by ${ownerText(got.owner)}; wait for it, or use --out to pick another folder`,
      );
    }
    pause(Math.min(1000, STALE_MS / 10));
  }
}
