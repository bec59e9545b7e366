import { z } from 'zod';
import { Outputs, WorkDir } from '../contracts/common.ts';
import { FilePath, NodeNameRow, NodeNameStatus, worker, workerData } from '../contracts/workers.ts';
import type { FileInput, Stage } from '../engine/types.ts';
import { UserInputError } from '../errors.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import type { QuantizeSettings } from '../recipe/quantize-schema.ts';
import type { Recipe } from '../recipe/schema.ts';
import { oneLine } from '../text/one-line.ts';
import { floatModel, readOutput, runWorkerStage, workerCode } from './common.ts';

export const nodeNamesWorker = worker('node_names', {
  input: z
    .object({
      ...WorkDir,
      model: FilePath,
      exported: FilePath.describe('the export before onnxsim (to say when onnxsim removed a name)'),
      node_info: z.array(z.string()),
      run_on_cpu: z.array(z.string()),
      timm: z.string().nullable().describe('the timm model, whose mapping of original checkpoints translates names'),
    })
    .strict(),
  output: z
    .object({
      rows: z.array(NodeNameRow),
      outputs: Outputs('resolved'),
    })
    .strict(),
});

/** The resolution rows (the node_names stage's output), read by quantize and mapper_config. */
export const NODE_NAMES: FileInput = { stage: 'node_names', output: 'resolved' };

export const namesNodes = (q: QuantizeSettings): boolean =>
  Object.keys(q.node_info).length > 0 || q.run_on_cpu.length > 0;

/** The resolution as a file input of a stage that uses the names: only when the recipe names nodes. */
export function resolvedNames(loaded: LoadedRecipe): Record<string, FileInput> {
  return namesNodes(loaded.recipe.quantize) ? { node_names: NODE_NAMES } : {};
}

/** What the stage reads of the recipe (its key and the worker's input): the names, not their settings. */
function slice(r: Recipe) {
  const q = r.quantize;
  const timm = 'timm' in r.model.source ? r.model.source.timm : null;
  return { node_info: Object.keys(q.node_info), run_on_cpu: q.run_on_cpu, timm, unresolved: q.unresolved_nodes };
}

/** The zoo's node names (its own export's) found in the graph we exported, before anything uses them. */
export const nodeNamesStage: Stage = {
  id: 'node_names',
  worker: nodeNamesWorker,
  version: 1,
  title: 'Resolve node names',
  cacheable: true,
  disabledBecause: ({ recipe }) =>
    namesNodes(recipe.quantize) ? undefined : 'quantize names no nodes (node_info, run_on_cpu)',
  describe(data) {
    const { rows } = workerData(nodeNamesWorker).parse(data);
    return summary(rows);
  },
  inputs({ loaded }) {
    const { timm, ...names } = slice(loaded.recipe);
    return {
      recipe: { ...names, timm },
      files: {
        ...workerCode(nodeNamesWorker.name),
        model: floatModel(loaded),
        exported: { stage: 'export', output: 'model' },
      },
      tools: timm ? ['python', 'onnx', 'torch', 'timm'] : ['python', 'onnx'],
    };
  },
  async run(ctx) {
    const { unresolved: policy, ...names } = slice(ctx.loaded.recipe);
    const result = await runWorkerStage(ctx, nodeNamesWorker, {
      work_dir: ctx.workDir,
      model: ctx.files.model,
      exported: ctx.files.exported,
      ...names,
    });
    const missing = result.data.rows.filter((r) => r.status === 'unresolved');
    const listed = missing.map(
      (r) =>
        `${oneLine(r.name)}: ${r.how}${r.nearest.length ? ` (nearest: ${r.nearest.map(oneLine).join(', ')})` : ''}`,
    );
    if (missing.length && policy === 'refuse')
      throw new UserInputError(
        `${missing.length} node name(s) of quantize.node_info/run_on_cpu are not in the exported graph:\n  ${listed.join('\n  ')}\nFix them, or set quantize.unresolved_nodes: drop (--set quantize.unresolved_nodes=drop) to go on without them.`,
        listed,
      );
    for (const line of listed) ctx.warn(`node name ${line}: dropped (quantize.unresolved_nodes: drop)`);
    for (const r of result.data.rows.filter((row) => row.status === 'translated' || row.status === 'hb_mapper'))
      ctx.warn(`node name ${oneLine(r.name)} is ${r.node} in the exported graph (${r.how})`);
    ctx.progress(summary(result.data.rows));
    return result;
  },
};

/** quantize settings with node_info/run_on_cpu renamed as the node_names stage resolved them: `node`, the node of our
 *  graph the int8 emulation quantizes, or `hb_name`, what hb_mapper is given (its own name for a node it makes stays
 *  as the zoo wrote it); a name without one (dropped) is left out. No resolution file: the recipe names no nodes. */
export async function ourNames<Q extends Pick<QuantizeSettings, 'node_info' | 'run_on_cpu'>>(
  q: Q,
  file: string | undefined,
  as: 'node' | 'hb_name',
): Promise<Q> {
  if (!file) return q;
  const rows = await readOutput(file, z.array(NodeNameRow));
  const to = new Map(rows.flatMap((r) => (r[as] === null ? [] : [[r.name, r[as]] as const])));
  const node_info = Object.fromEntries(
    Object.entries(q.node_info).flatMap(([name, v]) => (to.has(name) ? [[to.get(name), v]] : [])),
  );
  return { ...q, node_info, run_on_cpu: q.run_on_cpu.flatMap((n) => to.get(n) ?? []) };
}

type Row = z.infer<typeof NodeNameRow>;
export type NodeNameCounts = Record<z.infer<typeof NodeNameStatus>, number>;

/** How many names ended in each status. */
export function countByStatus(rows: Row[]): NodeNameCounts {
  const counts = Object.fromEntries(NodeNameStatus.options.map((s) => [s, 0])) as NodeNameCounts;
  for (const r of rows) counts[r.status] += 1;
  return counts;
}

/** "10 node names: 10 translated" (and, for names that did not resolve, which). */
function summary(rows: Row[]): string {
  const counts = Object.entries(countByStatus(rows)).flatMap(([s, n]) =>
    n ? [`${n} ${s === 'hb_mapper' ? "hb_mapper's own" : s}`] : [],
  );
  const missing = rows.filter((r) => r.status === 'unresolved').map((r) => oneLine(r.name));
  return `${rows.length} node names: ${counts.join(', ')}${missing.length ? ` (${missing.join(', ')}: dropped)` : ''}`;
}
