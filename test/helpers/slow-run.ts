import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { fashionRecipeText } from './recipes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The argv of a run whose export worker sits silent for two minutes inside the model's factory: a run to kill or
 *  interrupt at a known point. `out` is its run folder. */
export function slowRunArgv(dir: string): { argv: string[]; out: string } {
  const recipe = join(dir, 'r.yaml');
  writeFileSync(recipe, fashionRecipeText());
  writeFileSync(join(dir, 'slow.py'), 'import time\n\ndef net():\n    time.sleep(120)\n');
  const out = join(dir, 'out');
  return {
    out,
    argv: [
      'node',
      join(PROJECT_ROOT, 'bin', 'zooforge.js'),
      'run',
      recipe,
      '--out',
      out,
      '--cache',
      join(dir, 'cache'),
      '--set',
      `model.source={module: ${join(dir, 'slow.py')}:net}`,
      '--set',
      'model.checkpoint=null',
    ],
  };
}

/** Wait (up to a minute) until the slow run's export worker is inside the factory, past every line it prints. */
export async function untilSilent(out: string): Promise<void> {
  const log = join(out, 'logs', 'export.log');
  for (let i = 0; i < 600 && !(existsSync(log) && readFileSync(log, 'utf8').includes('building the network')); i++)
    await sleep(100);
  await sleep(500);
}
