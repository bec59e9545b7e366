import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ensured, UserInputError } from '../errors.ts';
import { notRegular } from '../tools/file-kind.ts';

/** Far more than any dataset's files and folders; reached only through a link into some huge tree. */
const MAX_ENTRIES = 5_000_000;

/** What a folder holds, as zooforge reads it: the one list both the cache key and the Python workers use, so a
 *  worker never reads a file the key did not cover. Paths are relative to the folder, sorted. */
export interface FolderListing {
  files: string[];
  dirs: string[];
  /** Entries left out, each with why (told to the user as a warning by the stage that reads the folder). */
  skipped: { path: string; why: string }[];
}

/** The rule for links and special files, in one place:
 *  - regular files are listed, also through a link (an image linked from elsewhere is still that image);
 *  - folders are walked, also through links (a class folder linked from a larger image store is common), except a
 *    link to a folder that holds the dataset itself (`up -> ../..`, `/`): that would walk the dataset again and
 *    every unrelated tree around it, so it is skipped;
 *  - a listing stops with an error past MAX_ENTRIES entries (a link into a huge tree should fail in seconds);
 *  - dangling links, named pipes, sockets and devices are skipped: opening them blocks or reads nothing real;
 *  - each real folder is walked once (a link cycle, or two links to one folder, adds nothing twice). */
export async function listFolder(root: string): Promise<FolderListing> {
  const top = await realpath(root);
  const listing: FolderListing = { files: [], dirs: [], skipped: [] };
  const seen = new Set<string>([top]);
  const holdsDataset = (real: string): boolean => top === real || top.startsWith(real === sep ? sep : real + sep);
  let entries = 0;
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of names) {
      if (++entries > MAX_ENTRIES)
        throw new UserInputError(
          `${root}: more than ${MAX_ENTRIES} entries below it (at ${join(dir, entry.name)}): is a link leading somewhere huge?`,
        );
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      const target = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry; // a link: what it points to
      if (!target) listing.skipped.push({ path: rel, why: 'a symbolic link to nothing (dangling)' });
      else if (target.isFile()) listing.files.push(rel);
      else if (!target.isDirectory())
        listing.skipped.push({ path: rel, why: ensured(notRegular(target), `kind of ${rel}`) });
      else {
        const real = await realpath(full);
        if (holdsDataset(real))
          listing.skipped.push({ path: rel, why: `a link to a folder that holds the dataset itself (${real})` });
        else if (!seen.has(real)) {
          seen.add(real);
          listing.dirs.push(rel);
          await walk(full);
        }
      }
    }
  };
  await walk(root);
  listing.files.sort();
  listing.dirs.sort();
  return listing;
}

/** One warning for all that a listing skipped (20,000 skipped files are one line with a count, not 20,000 lines). */
export function skippedSummary(root: string, listing: FolderListing): string | undefined {
  const n = listing.skipped.length;
  if (n === 0) return undefined;
  const shown = listing.skipped
    .slice(0, 3)
    .map((s) => `${s.path}: ${s.why}`)
    .join('; ');
  return `${root}: ${n} entr${n === 1 ? 'y' : 'ies'} left out (${shown}${n > 3 ? `; and ${n - 3} more` : ''})`;
}
