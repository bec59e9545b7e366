import { resolve } from 'node:path';
import { printable } from '../text/one-line.ts';

/** An --out value as an absolute path. A leading ~ reaches zooforge only when the shell did not expand it (it was
 *  quoted): it is then a folder literally named ~ here, which the user almost never meant, so they are told. */
export function outPath(value: string): string {
  const path = resolve(value);
  if (value === '~' || value.startsWith('~/')) {
    process.stderr.write(
      `warning: --out ${printable(value)}: the shell did not expand ~ (was it quoted?), so this writes to ${printable(path)}; ` +
        `for your home folder write $HOME${value.slice(1)}\n`,
    );
  }
  return path;
}
