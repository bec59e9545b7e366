import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunContext, Stage } from '../../../pipeline/engine/types.ts';
import { type LoadedRecipe, loadRecipe } from '../../../pipeline/recipe/load.ts';
import { RecipeSchema } from '../../../pipeline/recipe/schema.ts';
import { STAGES } from '../../../pipeline/stages/index.ts';
import type { PythonEnv } from '../../../pipeline/tools/python.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { FASHION_RECORD } from '../../helpers/report-sample.ts';
import { tmp } from '../../helpers/tmp.ts';

// A field a stage reads while it runs (and so hands to its worker) but leaves out of its inputs is a stale cache
// waiting to happen: change it and the cached output of the old value comes back. For every stage that starts a
// worker, this runs the stage against a recording recipe up to the worker call, then changes each field it read
// and checks that the stage's inputs (what its key is computed from) change too.

type Path = (string | number)[];
const STOP = new Error('stopped at the worker call');

/** The recipe behind a proxy that records the path of every value read below it (objects are walked into). */
function recording(value: object, reads: Path[], at: Path = []): object {
  return new Proxy(value, {
    get(target, key, receiver) {
      const inner = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol' || !Object.hasOwn(target, key)) return inner;
      const path = [...at, Array.isArray(target) ? Number(key) : key];
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) return recording(inner, reads, path);
      reads.push(Array.isArray(target) ? at : path);
      return inner;
    },
  });
}

type JsonNode = { properties?: Record<string, JsonNode>; anyOf?: JsonNode[]; oneOf?: JsonNode[]; enum?: unknown[] };
const RECIPE_JSON = z.toJSONSchema(RecipeSchema, { io: 'input' }) as JsonNode;

/** The values the recipe schema allows at a path, where it lists them (an enum). */
function enumAt(node: JsonNode, path: Path): unknown[] {
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  if (alternatives.length) return alternatives.flatMap((alt) => enumAt(alt, path));
  if (path.length === 0) return node.enum ?? [];
  const next = node.properties?.[String(path[0])];
  return next ? enumAt(next, path.slice(1)) : [];
}

/** Values of the same kind that differ from `value`, the schema's other choices first. */
function alternativesTo(value: unknown, path: Path): unknown[] {
  if (typeof value === 'number') return [value + 1];
  if (typeof value === 'string') return [...enumAt(RECIPE_JSON, path).filter((v) => v !== value), `${value}-changed`];
  if (typeof value === 'boolean') return [!value];
  if (Array.isArray(value) && value.length) return [value.slice(1)];
  return [];
}

function withValue(recipe: object, path: Path, value: unknown): object {
  const copy = structuredClone(recipe) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

/** The stage's inputs for this recipe; a recipe its inputs refuse (a value the stage checks) is keyed by definition. */
async function keyedInputs(stage: Stage, loaded: LoadedRecipe, recipe: object): Promise<string> {
  try {
    return JSON.stringify(await stage.inputs({ loaded: { ...loaded, recipe: recipe as LoadedRecipe['recipe'] } }));
  } catch (err) {
    return `refused: ${String(err)}`;
  }
}

/** Runs the stage up to its worker call with a recording recipe: the recipe paths it read. */
async function readsOf(stage: Stage, loaded: LoadedRecipe, dir: string): Promise<Path[] | undefined> {
  const reads: Path[] = [];
  let called = false;
  const python = {
    runWorker: async (_worker: string, input: unknown) => {
      called = true;
      JSON.stringify(input); // a whole section handed over is read to its leaves
      throw STOP;
    },
  } as unknown as PythonEnv;
  const files = new Proxy({} as Record<string, string>, {
    get: (_t, name) => join(dir, `${String(name)}.json`),
  });
  const ctx = {
    loaded: { ...loaded, recipe: recording(loaded.recipe, reads) },
    workDir: dir,
    files,
    upstream: {},
    python,
    signal: new AbortController().signal,
    logFile: join(dir, 'log'),
    progress: () => {},
    warn: () => {},
    command: () => {},
    listing: async () => ({ files: [], dirs: [], skipped: [] }),
  } as unknown as RunContext;
  await stage.run(ctx).catch((err: unknown) => {
    if (err !== STOP) throw err;
  });
  return called ? reads : undefined;
}

describe('every recipe field a stage hands to its worker is in its key', () => {
  const dir = tmp('zf-keys-');
  const recipeFile = join(dir, 'fashion.yaml');
  writeFileSync(recipeFile, fashionRecipeText());
  const mapperSummary = {
    march: 'bayes-e',
    input_type_rt: 'nv12',
    calibration_dir: 'c',
    working_dir: 'w',
    output_model_file_prefix: 'm',
    warnings: [],
  };
  writeFileSync(join(dir, 'mapper.json'), JSON.stringify(mapperSummary));
  writeFileSync(join(dir, 'preprocess.json'), JSON.stringify(FASHION_RECORD));
  writeFileSync(join(dir, 'node_names.json'), '[]'); // the node_names stage's rows (the recipe names no nodes)
  // sensitivity and tune run only when asked; evaluate.limit set so a read of it has a value to change
  const loaded = loadRecipe(recipeFile, ['tune.max_drop=0.5', 'evaluate.limit=100']);

  const workerStages = STAGES.filter((stage) => {
    const inputs = stage.inputs({ loaded });
    return !(inputs instanceof Promise) && 'code.worker' in inputs.files;
  });

  it('covers the stages that start a worker', () => {
    expect(workerStages.map((s) => s.id)).toEqual(
      expect.arrayContaining(['export', 'calibration', 'quantize', 'evaluate']),
    );
  });

  it.each(workerStages.map((stage) => [stage.id, stage] as const))('%s', async (_id, stage) => {
    const reads = await readsOf(stage, loaded, dir);
    expect(reads, `${stage.id} reached no worker call`).toBeDefined();
    const base = await keyedInputs(stage, loaded, loaded.recipe);
    const unkeyed: string[] = [];
    for (const path of new Set((reads ?? []).map((p) => JSON.stringify(p)))) {
      const at = JSON.parse(path) as Path;
      let value: unknown = loaded.recipe;
      for (const key of at) value = (value as Record<string | number, unknown>)[key];
      const other = alternativesTo(value, at)
        .map((v) => withValue(loaded.recipe, at, v))
        .find((recipe) => RecipeSchema.safeParse(recipe).success);
      if (other && (await keyedInputs(stage, loaded, other)) === base) unkeyed.push(at.join('.'));
    }
    expect(unkeyed, `${stage.id} reads these fields but its key does not cover them`).toEqual([]);
  });
});
