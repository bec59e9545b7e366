import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { UserInputError } from '../errors.ts';

/** Size limits for the text files a user hands zooforge: far above any real one, far below what fills memory. */
export const TEXT_LIMITS = { recipe: 1 << 20, hbConfig: 1 << 20, log: 64 << 20 } as const;

/** Read a user's text file as UTF-8, refusing what is not a regular file (a FIFO, /dev/zero, a folder) and what is
 *  larger than `maxBytes`, each with one line naming the file. The checks are made on the opened descriptor, so a
 *  file swapped meanwhile cannot slip past them. */
export function readUserText(path: string, what: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block the open itself
  } catch (err) {
    throw new UserInputError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserInputError(`cannot read ${what} ${path}: not a regular file (${kindOf(st)})`);
    if (st.size > maxBytes) {
      throw new UserInputError(`cannot read ${what} ${path}: ${mb(st.size)} is larger than a ${what} can be (${mb(maxBytes)})`);
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

const mb = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
