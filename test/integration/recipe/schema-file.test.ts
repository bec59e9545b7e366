import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { RecipeSchema } from '../../../pipeline/recipe/schema.ts';

describe('recipe loading', () => {
  it('yaml/recipe.schema.json is the schema generated from the zod source (npm run schema)', () => {
    const committed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'yaml', 'recipe.schema.json'), 'utf8'));
    expect(committed).toEqual(z.toJSONSchema(RecipeSchema, { io: 'input' }));
  });
});
