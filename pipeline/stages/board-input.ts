import { PreprocessRecord } from '../contracts/common.ts';
import type { RunContext } from '../engine/types.ts';
import { defaultInputTypeRt, givenInputTypeRt } from '../horizon/config.ts';
import { type LoadedRecipe, recipePath } from '../recipe/load.ts';
import { readOutput } from './common.ts';

/** Under emulate bpu the int8 model is fed what the board feeds it: the input_type_rt path (nv12: chroma averaged
 *  over 2x2, YUV rounded to bytes; zooforge/data/hb_input.py board_pixels). Under host, the training input. */
const given = (loaded: LoadedRecipe): string | undefined =>
  givenInputTypeRt(loaded.recipe, (p) => recipePath(loaded, p));

/** The slice a stage that feeds the int8 model keys (the default follows the record's colour, a keyed file). */
export function boardInputKey(loaded: LoadedRecipe): unknown {
  return loaded.recipe.quantize.emulate === 'bpu' ? { input_type_rt: given(loaded) ?? 'default' } : null;
}

/** The input type the board feeds, or null for the training input; `record`: the preprocessing record's file. */
export async function boardInputType(ctx: RunContext, record: string): Promise<string | null> {
  if (ctx.loaded.recipe.quantize.emulate !== 'bpu') return null;
  const rec = await readOutput(record, PreprocessRecord);
  const rt = given(ctx.loaded) ?? defaultInputTypeRt(rec.colour);
  // nv12 halves the chroma planes: the board takes no odd size (hb_mapper refuses it), so there is no path to emulate
  if (rt === 'nv12' && rec.size.some((side) => side % 2 !== 0)) {
    ctx.warn(
      `input_type_rt nv12 needs an even height and width; the input is ${rec.size.join('x')}: the int8 model is fed the training input (the board could not run this size with nv12)`,
    );
    return null;
  }
  return rt;
}
