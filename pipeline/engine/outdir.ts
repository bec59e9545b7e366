import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EnvironmentError, UserInputError } from '../errors.ts';
import { VERSION } from '../version.ts';

/** Written into every folder zooforge creates: only such folders are ever reused, replaced or deleted. */
export const RUN_MARKER = '.zooforge-run';
export const CACHE_MARKER = '.zooforge-cache';

function isOurs(dir: string, marker: string): boolean {
  return existsSync(join(dir, marker));
}

/** Make `dir` ours: create it (with the marker), adopt it when empty, accept it when it has the marker; anything
 *  else is the user's folder and is refused. */
export function claimDir(
  dir: string,
  marker: string,
  what: string,
  looksOurs: (names: string[]) => boolean = () => false,
): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new EnvironmentError(`${dir}: cannot use it as the ${what}: it is a file, not a folder`);
    if (isOurs(dir, marker)) return;
    if (!mayAdopt(readdirSync(dir), marker, looksOurs)) {
      throw new UserInputError(
        `${dir} is not empty and was not created by zooforge (no ${marker} in it): refusing to write the ${what} there; pick a new or empty folder`,
      );
    }
  } else makeDir(dir);
  writeFileSync(join(dir, marker), `${JSON.stringify({ zooforge: VERSION, created: new Date().toISOString() })}\n`);
}

/** A folder without our marker is adopted when empty or when it looks like ours. The marker may appear in the listing
 *  though it was missing a moment before: a concurrent run sharing the folder wrote it in between. */
export function mayAdopt(names: string[], marker: string, looksOurs: (names: string[]) => boolean): boolean {
  return names.length === 0 || names.includes(marker) || looksOurs(names);
}

/** mkdir -p, but with the real cause: a recursive mkdir under a read-only mount reports ENOENT, not EROFS. */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(dirname(dir))) throw err;
    mkdirSync(dir); // the parent exists: this one fails with the cause
  }
}

/** Only a folder zooforge created may be deleted by `clean`. */
export function assertOurs(dir: string, marker: string, what: string): void {
  if (!statSync(dir).isDirectory() || !isOurs(dir, marker)) {
    throw new UserInputError(
      `${dir} was not created by zooforge as a ${what} (no ${marker} in it): refusing to delete it`,
    );
  }
}

/** A cache written before markers existed, or re-created by a run under a purge: only <2 hex>/ shard folders and the
 *  .leases/ and .users/ lock folders. */
export const looksLikeCache = (names: string[]): boolean =>
  names.every((n) => /^([0-9a-f]{2}|\.leases|\.users)$/.test(n));
