import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserInputError } from '../errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/** Create `path` holding `text`, atomically and only if absent: the text is written to a private file first and
 *  hard-linked into place, so no reader ever sees a lock without its owner. */
function createExclusive(path: string, text: string): boolean {
  const mine = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(mine, text);
  try {
    linkSync(mine, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(mine, { force: true });
  }
}

const sleep = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

/** A taker that died inside the few lines it holds the takeover mutex for leaves it behind: after this long it is
 *  stale too. */
const TAKEOVER_STALE_MS = 10_000;

/** Remove a stale lock whose content is `stale`, under a second mutex so that two processes that both saw the same
 *  dead owner cannot remove each other's fresh lock. */
function takeOver(path: string, stale: string): void {
  const mutex = `${path}.takeover`;
  if (!createExclusive(mutex, `${process.pid}\n`)) {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(mutex);
    } catch { /* gone meanwhile: someone else finished their takeover */ }
    sleep(5);
    return;
  }
  try {
    if (read(path) === stale) unlinkSync(path); // still the dead owner's: only a takeover may remove it, and we hold that
  } finally {
    unlinkSync(mutex);
  }
}

/** One run per output dir: a `.lock` file holding the owner's pid and a token; a lock whose owner died is taken over.
 *  Returns the release function (which removes the lock only while it is still ours). */
export function acquireLock(outDir: string): () => void {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, '.lock');
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(path, token)) return () => { if (read(path) === token) rmSync(path, { force: true }); };
    const content = read(path);
    if (content === undefined) continue; // released meanwhile
    const owner = Number.parseInt(content, 10);
    if (Number.isFinite(owner) && alive(owner)) {
      const who = owner === process.pid ? 'another run in this same process' : `another zooforge run (pid ${owner})`;
      throw new UserInputError(`${outDir} is in use by ${who}; wait for it, or use --out to pick another folder`);
    }
    takeOver(path, content);
  }
  throw new UserInputError(`could not lock ${outDir}: its lock kept changing hands`);
}
