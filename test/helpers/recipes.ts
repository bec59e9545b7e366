import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';

/** yaml/fashion_resnext.yaml with its model files as absolute paths, so a copy can live in any temp folder. */
export function fashionRecipeText(): string {
  return readFileSync(join(PROJECT_ROOT, 'yaml', 'fashion_resnext.yaml'), 'utf8').replaceAll(
    ' ../models/',
    ` ${join(PROJECT_ROOT, 'models')}/`,
  );
}
