import type { Dirent, Stats } from 'node:fs';

/** A stat result or a directory entry: both say what kind of thing a path is. */
type Kind = Pick<
  Stats | Dirent,
  'isFile' | 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'
>;

/** What a path is, in the words every message uses: only regular files (and, where a folder is expected, folders)
 *  are ever read; a pipe blocks the reader, a device never ends. */
export function fileKind(st: Kind): string {
  if (st.isFile()) return 'a file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** `not a regular file (a named pipe)`, or undefined for a regular file. */
export const notRegular = (st: Kind): string | undefined =>
  st.isFile() ? undefined : `not a regular file (${fileKind(st)})`;
