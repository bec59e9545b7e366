import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserInputError } from '../errors.ts';

/** Write a file the user named with --out (a recipe from `import` or `zoo new`): an existing file is the user's
 *  work and is refused unless `overwrite` (--force); the text is written beside and renamed into place, so a failure
 *  leaves either the old file or the whole new one. */
export function writeNewFile(target: string, text: string, command: string, overwrite: boolean): void {
  if (existsSync(target)) {
    if (statSync(target).isDirectory())
      throw new UserInputError(`${command}: --out ${target} is a folder; name the recipe file to write`);
    if (!overwrite)
      throw new UserInputError(`${command}: ${target} exists; choose another --out, or add --force to replace it`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const staged = `${target}.${process.pid}.tmp`;
  writeFileSync(staged, text);
  renameSync(staged, target);
}
