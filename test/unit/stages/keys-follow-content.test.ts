import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { loadRecipe } from '../../../pipeline/recipe/load.ts';
import { STAGES } from '../../../pipeline/stages/index.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { tmp } from '../../helpers/tmp.ts';

// Keys follow content, never paths: the recipe slice a stage keys is the same for the repo's recipe (relative model
// paths) and a copy elsewhere (absolute paths), so a second folder reuses the first one's cache.
it('every stage keys the same recipe slice for a recipe and its copy in another folder', async () => {
  const here = loadRecipe(join(PROJECT_ROOT, 'yaml', 'fashion_resnext.yaml'), ['tune.max_drop=0.5']);
  const dir = tmp('zf-moved-');
  writeFileSync(join(dir, 'absolute.yaml'), fashionRecipeText());
  cpSync(join(PROJECT_ROOT, 'models'), join(dir, 'models'), { recursive: true });
  mkdirSync(join(dir, 'yaml'));
  cpSync(join(PROJECT_ROOT, 'yaml', 'fashion_resnext.yaml'), join(dir, 'yaml', 'relative.yaml'));
  for (const file of ['absolute.yaml', join('yaml', 'relative.yaml')]) {
    const moved = loadRecipe(join(dir, file), ['tune.max_drop=0.5']);
    for (const stage of STAGES) {
      const slice = async (loaded: typeof here) => JSON.stringify((await stage.inputs({ loaded })).recipe);
      expect(await slice(moved), `${stage.id} (${file})`).toBe(await slice(here));
    }
  }
});
