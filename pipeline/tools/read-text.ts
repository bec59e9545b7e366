import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { UserInputError } from '../errors.ts';
import { notRegular } from './file-kind.ts';

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
    const odd = notRegular(st);
    if (odd) throw new UserInputError(`cannot read ${what} ${path}: ${odd}`);
    if (st.size > maxBytes) {
      throw new UserInputError(
        `cannot read ${what} ${path}: ${mb(st.size)} is larger than a ${what} can be (${mb(maxBytes)})`,
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

const mb = (bytes: number): string => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
