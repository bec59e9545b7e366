import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, sha256Text } from '../cache/key.ts';
import { linkTree } from '../cache/store.ts';
import { stagingName } from '../tools/staging.ts';
import { isCompleteRun, MANIFEST_FILE, type Manifest } from './manifest.ts';
import { RUN_MARKER } from './outdir.ts';

/** <run folder>/complete/<variant>/: the last complete run (one that wrote its report) of each variant of the recipe,
 *  kept whole (manifest, stage folders, logs; files hard-linked) while later runs of the folder replace the top level.
 *  Only a complete run of the same variant removes its kept copy. */
export const KEPT_DIR = 'complete';

/** A variant is the resolved recipe: the recipe file's values with every --set applied. */
export const variantId = (m: Pick<Manifest, 'recipe'>): string =>
  sha256Text(canonicalJson(m.recipe.resolved)).slice(0, 12);

export const keptRunDir = (outDir: string, m: Pick<Manifest, 'recipe'>): string => join(outDir, KEPT_DIR, variantId(m));

/** Before a run clears the folder: link the complete run it holds into complete/<variant>/ (built aside, renamed
 *  into place). Returns that folder, or undefined when the folder held no complete run. */
export async function keepCompleteRun(outDir: string, previous: Manifest | undefined): Promise<string | undefined> {
  if (!isCompleteRun(previous)) return undefined;
  const target = keptRunDir(outDir, previous);
  const staging = join(outDir, KEPT_DIR, stagingName());
  await mkdir(staging, { recursive: true });
  try {
    for (const name of ['logs', ...previous.stages.map((st) => st.id).filter((id) => /^[\w-]+$/.test(id))]) {
      if (existsSync(join(outDir, name))) await linkTree(join(outDir, name), join(staging, name));
    }
    await copyFile(join(outDir, MANIFEST_FILE), join(staging, MANIFEST_FILE));
    await writeFile(join(staging, RUN_MARKER), `${JSON.stringify({ kept_from: outDir })}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** After a run: a complete run of a variant supersedes its kept copy. */
export async function dropSupersededCopy(outDir: string, finished: Manifest): Promise<boolean> {
  if (!isCompleteRun(finished)) return false;
  await rm(keptRunDir(outDir, finished), { recursive: true, force: true });
  return true;
}
