import { existsSync, statSync } from 'node:fs';
import type { LoadedRecipe } from '../recipe/load.ts';
import { dotted } from '../recipe/locate.ts';
import { notRegular } from '../tools/file-kind.ts';
import type { Stage } from './types.ts';

/** Files and folders are what a recipe can name; reading a pipe would block the run, a device read forever. */
function unreadableKind(path: string): string | undefined {
  const st = statSync(path);
  return st.isDirectory() ? undefined : notRegular(st) && `is ${notRegular(st)}`;
}

/** Before anything runs: every user file that a stage about to run reads through a recipe field must exist. The
 *  stages' own declared inputs say what they read (`--until params` reads no dataset, so asks for none). */
export async function missingUserFiles(stages: readonly Stage[], loaded: LoadedRecipe): Promise<string[]> {
  const readers = new Map<string, string[]>(); // problem -> the stages that would read it, in run order
  const note = (problem: string, stage: string): void =>
    void readers.set(problem, [...(readers.get(problem) ?? []), stage]);
  const off = new Set<string>(); // off by the recipe, or reading a stage that is (as the plan will decide)
  for (const stage of stages) {
    if (stage.disabledBecause?.(loaded)) {
      off.add(stage.id);
      continue;
    }
    const inputs = Object.values((await stage.inputs({ loaded })).files);
    if (inputs.some((i) => 'stage' in i && off.has(i.stage))) {
      off.add(stage.id);
      continue;
    }
    for (const need of stage.requires?.(loaded) ?? [])
      note(`${loaded.where(need.field)}: ${dotted(need.field)}: ${need.message}`, stage.id);
    for (const input of inputs) {
      if (!('path' in input) || !input.field) continue;
      const problem = !existsSync(input.path) ? 'does not exist' : unreadableKind(input.path);
      if (problem) note(`${loaded.where(input.field)}: ${dotted(input.field)}: ${input.path} ${problem}`, stage.id);
    }
  }
  const said = (ids: string[]): string =>
    ids.length === 1
      ? `the ${ids[0]} stage reads it`
      : `the ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)} stages read it`;
  return [...readers].map(([problem, ids]) => `${problem} (${said([...new Set(ids)])})`);
}
