import { z } from 'zod';
import { RecipeSchema } from '../recipe/schema.ts';

/** The recipe JSON Schema (yaml/recipe.schema.json is generated from it). */
export function schemaCommand(): number {
  process.stdout.write(`${JSON.stringify(z.toJSONSchema(RecipeSchema, { io: 'input' }), null, 2)}\n`);
  return 0;
}
