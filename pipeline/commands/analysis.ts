import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { SensitivityRow, workerData } from '../contracts/workers.ts';
import { succeeded } from '../engine/types.ts';
import { ExitCode, ensured, UserInputError } from '../errors.ts';
import { applyOverride } from '../recipe/load.ts';
import { mdTable, num, pct } from '../report/format.ts';
import { sensitivityTable } from '../report/sensitivity.ts';
import { evaluateWorker } from '../stages/evaluate.ts';
import { sensitivityWorker, tuneWorker } from '../stages/sensitivity.ts';
import { oneLine } from '../text/one-line.ts';
import { type RunFlags, runPipeline } from './run.ts';

/** `zooforge sensitivity <recipe>`: run through the sensitivity stage and print the ranking. */
export async function sensitivityCommand(f: RunFlags): Promise<number> {
  const { code, manifest, outDir } = await runPipeline({
    ...f,
    set: ['sensitivity.enabled=true', ...f.set],
    until: f.until ?? 'sensitivity',
  });
  const st = manifest.stages.find((s) => s.id === 'sensitivity');
  if (code !== 0 || !st || !succeeded(st.status)) return code || 1;
  const d = workerData(sensitivityWorker).parse(st.data);
  const rows = z
    .array(SensitivityRow)
    .parse(JSON.parse(readFileSync(join(outDir, st.outputs.sensitivity.path), 'utf8')));
  process.stdout.write(
    f.json
      ? `${JSON.stringify({ ...d, rows })}\n`
      : `Validation subset: ${d.subset} images; float ${pct(d.float_top1)} %, all int8 ${pct(d.int8_top1)} %. ` +
          `${d.measured} nodes measured${d.unmeasured.length ? `, ${d.unmeasured.length} not reached within sensitivity.budget_s` : ''}.\n\n${sensitivityTable(rows)}\n`,
  );
  return 0;
}

type VariantRecipe = { quantize: { backend: string; model_parameters: { march?: string } } };

/** <recipe>.tuned.yaml beside the recipe (so its relative paths stay valid), with the nodes at the precision tune
 *  measured, in hb_mapper's words: node_info int16 (emulate bpu), or run_on_cpu (float: emulate host, and X3, whose
 *  BPU has no int16). */
function writeVariant(
  recipePath: string,
  resolved: VariantRecipe,
  nodes: string[],
  maxDrop: number,
  precision: 'int16' | 'float',
  overrides: string[],
): string {
  const variantPath = join(dirname(recipePath), `${basename(recipePath, '.yaml')}.tuned.yaml`);
  const doc = parseDocument(readFileSync(recipePath, 'utf8'));
  // the --set values it was tuned with belong to the variant: without them it would not reproduce
  for (const o of overrides) applyOverride(doc, o);
  const int16 = precision === 'int16' && resolved.quantize.model_parameters.march !== 'bernoulli2';
  if (int16)
    doc.setIn(
      ['quantize', 'node_info'],
      Object.fromEntries(nodes.map((n) => [n, { ON: 'BPU', InputType: 'int16', OutputType: 'int16' }])),
    );
  else doc.setIn(['quantize', 'run_on_cpu'], nodes);
  const sets = overrides.length ? ` with ${overrides.map((o) => `--set ${oneLine(o)}`).join(' ')}` : '';
  writeFileSync(
    variantPath,
    `# Variant written by zooforge tune --max-drop ${maxDrop}${sets}: ${nodes.length} node(s) at higher precision (${int16 ? 'node_info int16' : 'run_on_cpu: float'}).\n${doc.toString()}`,
  );
  return variantPath;
}

/** `zooforge tune <recipe> --max-drop X`: greedy search, the variant recipe, and its confirmation on the full set. */
export async function tuneCommand(f: RunFlags, maxDrop: string | undefined): Promise<number> {
  if (maxDrop === undefined || !Number.isFinite(Number(maxDrop)) || Number(maxDrop) < 0)
    throw new UserInputError('tune: --max-drop POINTS is required, e.g. --max-drop 0.5');
  const { code, manifest, outDir } = await runPipeline({
    ...f,
    set: [...f.set, `tune.max_drop=${maxDrop}`],
    until: 'tune',
  });
  const st = manifest.stages.find((s) => s.id === 'tune');
  if (code !== 0 || !st || !succeeded(st.status)) return code || 1;
  const d = workerData(tuneWorker).parse(st.data);
  const kept = f.set.filter((s) => !s.startsWith('tune.'));
  const variantPath = writeVariant(
    manifest.recipe.path,
    manifest.recipe.resolved as VariantRecipe,
    d.nodes,
    Number(maxDrop),
    d.precision,
    kept,
  );
  process.stdout.write(
    `${mdTable(
      [`nodes at ${d.precision}`, 'added node', 'subset Top-1', 'drop', 'host latency (ms, 1 thread)'],
      d.steps.map((s) => [String(s.nodes_changed), s.node ?? '—', pct(s.top1), pct(s.drop), num(s.latency_ms, 3)]),
    )}\n\n`,
  );
  process.stdout.write(
    d.met
      ? `Budget met on the ${d.subset}-image subset with ${d.nodes.length} of ${d.quantized_nodes} quantized node(s) at ${d.precision}; confirming on the full evaluation set…\n`
      : `Budget ${maxDrop} NOT met on the subset within tune.max_nodes; the best found is written; confirming it on the full set…\n`,
  );
  // the variant file alone, no --set: what is confirmed is what the file reproduces
  const confirm = await runPipeline({
    ...f,
    recipe: variantPath,
    set: [],
    until: undefined,
    out: join(outDir, 'tuned'),
    force: [],
  });
  const evaluated = confirm.manifest.stages.find((s) => s.id === 'evaluate' && succeeded(s.status));
  if (!evaluated) return confirm.code || 1;
  const ev = workerData(evaluateWorker).parse(evaluated.data);
  // the sensitivity stage's preflight refuses a dataset without labels, so these are there
  const [float, quant] = [ensured(ev.float, 'evaluate.float').top1, ensured(ev.quant, 'evaluate.quant').top1];
  const drop = float.percent - quant.percent;
  process.stdout.write(
    `variant: ${variantPath}\nfull evaluation (${ev.labelled} labelled images): float ${pct(float.percent)} %, int8 ${pct(quant.percent)} %, drop ${pct(drop)} points — ` +
      `${drop <= Number(maxDrop) ? 'within' : 'NOT within'} the ${maxDrop}-point budget\n`,
  );
  return confirm.code !== 0 ? confirm.code : drop <= Number(maxDrop) ? ExitCode.ok : ExitCode.budgetNotMet;
}
