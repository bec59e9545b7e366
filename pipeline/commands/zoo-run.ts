import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { batchExitCode, runBatch } from '../batch/run.ts';
import type { BatchTask, TaskOutcome } from '../batch/task.ts';
import { ParamsData } from '../contracts/stages.ts';
import { readManifest } from '../engine/manifest.ts';
import { claimDir, RUN_MARKER } from '../engine/outdir.ts';
import { succeeded } from '../engine/types.ts';
import { UserInputError } from '../errors.ts';
import { mdTable, num, pct } from '../report/format.ts';
import { findModel, loadCatalog, type ZooEntry } from '../zoo/catalog.ts';
import { compareRow } from './compare.ts';
import type { RunFlags } from './run.ts';
import { zooRecipe } from './zoo.ts';

export interface ZooRow {
  model: string;
  status: string;
  params_M: number | null;
  zoo_params_M: number | null;
  float_top1: number | null;
  zoo_float_top1: number | null;
  quant_top1: number | null;
  zoo_quant_top1: number | null;
}

/** Write `<dir>/recipe.yaml` (replacing it only when its text changed, by rename: never half a recipe). The folder
 *  is claimed like a run folder: zoo run never writes into a folder of the user's. What the import of the zoo's
 *  hb_mapper config could not carry over is said, as `zoo new` says it. */
function writeRecipe(m: ZooEntry, dir: string): string {
  claimDir(dir, RUN_MARKER, `zoo run folder of ${m.model}`, (names) =>
    names.every((n) => ['recipe.yaml', 'run'].includes(n)),
  );
  const path = join(dir, 'recipe.yaml');
  const notes: string[] = [];
  const text = zooRecipe(m, dir, notes);
  for (const n of notes) process.stderr.write(`note: ${m.model}: ${n}\n`);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

/** One model's row: our figures from its run folder (params from the manifest, Top-1 from the report when the run
 *  got that far) beside the zoo's. */
export function zooRow(m: ZooEntry, o: TaskOutcome): ZooRow {
  const manifest = readManifest(o.out);
  const params = manifest?.stages.find((s) => s.id === 'params');
  const total = params && succeeded(params.status) ? ParamsData.parse(params.data).total : undefined;
  const report =
    o.status === 'passed' && existsSync(join(o.out, 'report', 'report.json')) ? compareRow(o.out) : undefined;
  return {
    model: m.model,
    status: o.status === 'passed' ? 'passed' : `${o.status}${o.error ? `: ${o.error.split('\n')[0]}` : ''}`,
    params_M: total !== undefined ? total / 1e6 : null,
    zoo_params_M: m.params_M,
    float_top1: report?.float_top1 ?? null,
    zoo_float_top1: m.float_top1,
    quant_top1: report?.quant_top1 ?? null,
    zoo_quant_top1: m.quant_top1,
  };
}

export function zooTable(rows: ZooRow[]): string {
  return mdTable(
    [
      'model',
      'status',
      'params M (ours)',
      'params M (zoo)',
      'float Top-1 (ours)',
      'float Top-1 (zoo)',
      'int8 Top-1 (ours)',
      'quant Top-1 (zoo)',
    ],
    rows.map((r) => [
      r.model,
      r.status,
      num(r.params_M, 3),
      num(r.zoo_params_M),
      pct(r.float_top1),
      pct(r.zoo_float_top1),
      pct(r.quant_top1),
      pct(r.zoo_quant_top1),
    ]),
  );
}

/** `zooforge zoo run <Model...|--all> [--jobs N | --ray [ADDRESS]]`: writes each model's catalog recipe into
 *  <out>/<Model>/recipe.yaml and runs it into <out>/<Model>/run, all sharing one cache; ends with the models'
 *  figures beside the zoo's. */
export async function zooRunCommand(
  names: string[],
  all: boolean,
  f: Omit<RunFlags, 'recipe'>,
  jobs: number,
  ray?: string,
): Promise<number> {
  if (all && names.length > 0) throw new UserInputError('zoo run: name models or give --all, not both');
  if (!all && names.length === 0)
    throw new UserInputError('zoo run: name zoo models (zooforge zoo list shows them) or give --all');
  const catalog = loadCatalog().models;
  const models = all ? catalog.filter((m) => m.source) : names.map(findModel);
  if (all)
    for (const m of catalog.filter((x) => !x.source))
      process.stderr.write(`note: ${m.model} is left out: ${m.source_note ?? 'the zoo names no public source'}\n`);
  const root = resolve(f.out ?? join('runs', 'zoo'));
  const tasks: BatchTask[] = models.map((m) => ({
    name: m.model,
    recipe: writeRecipe(m, join(root, m.model)),
    set: [],
    out: join(root, m.model, 'run'),
  }));
  const outcomes = await runBatch(tasks, { ...f, recipe: tasks[0].recipe }, { command: 'zoo run', jobs, ray, root });
  const rows = outcomes.map((o, i) => zooRow(models[i], o));
  process.stdout.write(f.json ? `${JSON.stringify({ rows, tasks: outcomes })}\n` : `${zooTable(rows)}\n`);
  return batchExitCode(outcomes);
}
