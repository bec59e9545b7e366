import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { alive } from './lockfile.ts';

/** This machine in staging names: a cache on a shared filesystem holds other machines' staging, whose pids mean
 *  nothing here. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** A folder or file being written before it is renamed into place: `.tmp-<pid>-<random>-<host tag>`. */
export const stagingName = (): string => `.tmp-${process.pid}-${randomBytes(6).toString('hex')}-${HOST_TAG}`;

/** The pid that owns a staging name when it was made on this machine (names without a host tag are from before
 *  tags were written, on this machine), else undefined. Also `<file>.<pid>.tmp` (manifests written beside). */
function localOwner(name: string): number | undefined {
  const staged = /^\.tmp-(\d+)-[0-9a-f]+(?:-([0-9a-f]{8}))?$/.exec(name);
  if (staged) return staged[2] === undefined || staged[2] === HOST_TAG ? Number(staged[1]) : undefined;
  const beside = /\.(\d+)\.tmp$/.exec(name);
  return beside ? Number(beside[1]) : undefined;
}

/** Remove what a killed process was staging in `dir` (its pid is dead): a kill -9 cannot clean up after itself.
 *  Returns how many were removed. */
export function removeStaleStaging(dir: string): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const pid = localOwner(name);
    if (pid === undefined || pid === process.pid || alive(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
