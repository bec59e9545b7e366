import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { EnvironmentError } from '../errors.ts';

/** Lock files that work on a filesystem shared by several machines (the run folder lock, the cache's per-key
 *  lease). A lock holds `<pid> <token> <host>`; its owner is gone when it is on this host and its pid is dead, or on
 *  another host and it stopped refreshing the file's mtime (a heartbeat every HEARTBEAT_MS) for STALE_MS. */
export const HEARTBEAT_MS = 10_000;
/** The run folder's lock (engine/lock.ts). */
export const LOCK_FILE = '.lock';
export const STALE_MS = 60_000;
/** A taker that died inside the few lines it holds the takeover mutex for leaves it behind: after this long it is
 *  stale too. */
const TAKEOVER_STALE_MS = 10_000;
const HOST = hostname();

/** Block this thread for `ms` (lock retries are synchronous: clean and run's start-up are). */
export const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

export interface LockOwner {
  pid: number;
  host: string;
  text: string;
  started?: string;
}

/** Which process a pid is, beyond its number: the boot and the start time (in clock ticks since boot) from /proc.
 *  A pid reused after a reboot or by another program has another identity. Undefined where /proc cannot tell. */
export function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces and parentheses
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}:${afterName[19]}`; // field 22, starttime
  } catch {
    return undefined;
  }
}
const SELF = processIdentity(process.pid);

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const readText = (path: string): string | undefined => {
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

function ownerOf(text: string): LockOwner {
  const [pid, , host, started] = text.trim().split(' ');
  return { pid: Number.parseInt(pid, 10), host: host ?? HOST, text, started }; // a lock without a host is from before hosts were written: this one's
}

/** Whether the owner of the lock at `path` (content `text`) is gone. */
function isStale(path: string, owner: LockOwner): boolean {
  if (owner.host === HOST) {
    if (!(Number.isFinite(owner.pid) && alive(owner.pid))) return true;
    const now = owner.started ? processIdentity(owner.pid) : undefined;
    return now !== undefined && now !== owner.started; // the pid lives on in another process: a reused pid
  }
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return false; // gone meanwhile: the caller retries
  }
}

/** Remove a stale lock whose content is `stale`, under a second mutex so that two processes that both saw the same
 *  dead owner cannot remove each other's fresh lock. */
function takeOver(path: string, stale: string): void {
  const mutex = `${path}.takeover`;
  if (!createExclusive(mutex, `${process.pid}\n`)) {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(mutex);
    } catch {
      /* gone meanwhile: someone else finished their takeover */
    }
    pause(5); // another process is taking it over: give it the few milliseconds that takes
    return;
  }
  try {
    if (readText(path) === stale) unlinkSync(path); // still the dead owner's: only a takeover may remove it, and we hold that
  } finally {
    unlinkSync(mutex);
  }
}

export type TryLock = { held: true; release: () => void } | { held: false; owner: LockOwner };

/** One attempt: take the lock (taking over a stale one), or say who holds it. A held lock's mtime is refreshed
 *  until it is released, so machines that cannot see our pid know we are alive. */
export function tryLock(path: string): TryLock {
  const token = `${process.pid} ${randomBytes(8).toString('hex')} ${HOST}${SELF ? ` ${SELF}` : ''}\n`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(path, token)) {
      const beat = setInterval(() => {
        try {
          if (readText(path) === token) utimesSync(path, new Date(), new Date());
        } catch {
          /* released meanwhile */
        }
      }, HEARTBEAT_MS);
      beat.unref();
      return {
        held: true,
        release: () => {
          clearInterval(beat);
          if (readText(path) === token) rmSync(path, { force: true });
        },
      };
    }
    const text = readText(path);
    if (text === undefined) continue; // released meanwhile
    const owner = ownerOf(text);
    if (!isStale(path, owner)) return { held: false, owner };
    takeOver(path, text);
  }
  throw new EnvironmentError(`could not lock ${path}: its lock kept changing hands`);
}

/** The live owner of the lock at `path`, or undefined when it is free or its owner is gone. */
export function liveOwner(path: string): LockOwner | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  const owner = ownerOf(text);
  return isStale(path, owner) ? undefined : owner;
}

/** Who holds a lock, in words. */
export function ownerText(owner: LockOwner): string {
  return owner.pid === process.pid && owner.host === HOST
    ? 'another run in this same process'
    : `another zooforge run (pid ${owner.pid}${owner.host === HOST ? '' : ` on ${owner.host}`})`;
}
