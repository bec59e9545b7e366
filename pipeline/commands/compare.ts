import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readManifest } from '../engine/manifest.ts';
import { CorruptInputError, UserInputError } from '../errors.ts';
import { mdTable, num, pct, pval } from '../report/format.ts';
import type { ReportData } from '../report/model.ts';
import { readUserText, TEXT_LIMITS } from '../tools/read-text.ts';

export interface CompareRow {
  run: string;
  model: string;
  /** images evaluated, and those with a label (what Top-1 counts) */
  n: number | null;
  labelled: number | null;
  params_m: number | null;
  backend: string;
  calibration: string;
  float_top1: number | null;
  quant_top1: number | null;
  drop: number | null;
  float_only: number | null;
  quant_only: number | null;
  mcnemar_p: number | null;
  /** single-threaded latency of the int8 model, where it was timed (host or board) */
  latency_ms: number | null;
  latency_on: string | null;
  /** the resolved recipe fields (dotted) whose values differ between the rows compared together */
  settings: Record<string, string>;
}

/** The order every table states: best int8 Top-1 first, runs without one last. */
export const SORTED_BY = 'int8 Top-1, highest first';
const byQuantTop1 = (a: CompareRow, b: CompareRow): number => (b.quant_top1 ?? -1) - (a.quant_top1 ?? -1);

/** Every leaf of the resolved recipe as dotted key -> its value in JSON (lists whole). */
function leaves(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return prefix ? { [prefix]: JSON.stringify(value) } : {};
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k)));
}

function readReport(runDir: string): ReportData {
  const path = join(runDir, 'report', 'report.json');
  let d: ReportData;
  try {
    d = JSON.parse(readUserText(path, 'report', TEXT_LIMITS.log)) as ReportData;
  } catch (err) {
    throw new CorruptInputError(
      `${path}: not a readable report (${(err as Error).message.split('\n')[0]}); re-run the recipe to rebuild it`,
    );
  }
  if (d?.schema !== 'zooforge-report/1')
    throw new CorruptInputError(`${path}: not a zooforge report (schema ${JSON.stringify(d?.schema)})`);
  return d;
}

/** One run folder's row; its settings are all its recipe fields until compareRows keeps the differing ones. */
export function compareRow(runDir: string): CompareRow {
  const d = readReport(runDir);
  return {
    run: basename(runDir),
    model: d.model,
    n: d.n,
    labelled: d.labelled ?? d.n, // reports written before labelled existed counted labelled images only
    params_m: d.params.millions,
    backend: d.backend,
    calibration: d.calibration ? `${d.calibration.method}${d.calibration.per_channel ? ', per_channel' : ''}` : 'n/a',
    float_top1: d.float?.top1 ?? null,
    quant_top1: d.quant?.top1 ?? null,
    drop: d.drop?.points ?? (d.float && d.quant ? d.float.top1 - d.quant.top1 : null),
    float_only: d.flips?.float_only ?? null,
    quant_only: d.flips?.quant_only ?? null,
    mcnemar_p: d.mcnemar_p,
    latency_ms: d.perf?.single_ms ?? null,
    latency_on: d.perf?.label ?? null,
    settings: leaves(readManifest(runDir)?.recipe?.resolved),
  };
}

/** Rows sorted (SORTED_BY), each keeping only the settings whose values differ between them. */
export function compareRows(rows: CompareRow[]): CompareRow[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.settings)))].sort();
  const differing = keys.filter((k) => new Set(rows.map((r) => r.settings[k] ?? '(unset)')).size > 1);
  return rows
    .map((r) => ({ ...r, settings: Object.fromEntries(differing.map((k) => [k, r.settings[k] ?? '(unset)'])) }))
    .sort(byQuantTop1);
}

const HEADER = [
  'run',
  'model',
  'n',
  'params (M)',
  'backend',
  'calibration',
  'float Top-1',
  'int8 Top-1',
  'drop',
  'float-only right',
  'int8-only right',
  'McNemar p',
  'int8 latency (ms, 1 thread)',
  'settings that differ',
];

function cells(r: CompareRow): string[] {
  return [
    r.run,
    r.model,
    r.n === null ? 'n/a' : r.labelled !== r.n ? `${r.labelled} labelled of ${r.n}` : String(r.n),
    num(r.params_m),
    r.backend,
    r.calibration,
    pct(r.float_top1),
    pct(r.quant_top1),
    pct(r.drop),
    String(r.float_only ?? 'n/a'),
    String(r.quant_only ?? 'n/a'),
    pval(r.mcnemar_p),
    r.latency_ms === null ? 'n/a' : `${num(r.latency_ms)} (${r.latency_on})`,
    Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  ];
}

export function compareTable(rows: CompareRow[]): string {
  return `${mdTable(HEADER, rows.map(cells))}\n\nSorted by ${SORTED_BY}; settings: the recipe fields whose values differ between these runs.`;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
export function compareCsv(rows: CompareRow[]): string {
  return [HEADER, ...rows.map(cells)].map((line) => line.map(csvField).join(',')).join('\n');
}

export type CompareFormat = 'md' | 'csv' | 'json';
export function compareFormat(format: string | undefined, json: boolean): CompareFormat {
  const f = format ?? (json ? 'json' : 'md');
  if (f !== 'md' && f !== 'csv' && f !== 'json')
    throw new UserInputError(`compare: --format ${f}: expected md, csv or json`);
  return f;
}

/** Folders without a report are skipped with a warning (a sweep's failed variant, a run stopped early). */
export function compareCommand(dirs: string[], json: boolean, format?: string): number {
  const as = compareFormat(format, json);
  if (dirs.length === 0)
    throw new UserInputError('compare: name one or more run folders, e.g. zooforge compare runs/a runs/b');
  const found: CompareRow[] = [];
  for (const dir of dirs) {
    if (existsSync(join(dir, 'report', 'report.json'))) found.push(compareRow(dir));
    else {
      const kept = join(dir, 'complete');
      process.stderr.write(
        `zooforge: warning: ${dir}: no report/report.json (run the recipe through the report stage first)` +
          `${existsSync(kept) ? `; its last complete runs are kept in ${kept}/<variant>/: compare those` : ''}: skipped\n`,
      );
    }
  }
  if (found.length === 0) throw new UserInputError(`compare: none of the ${dirs.length} folder(s) holds a report`);
  const rows = compareRows(found);
  const text =
    as === 'json'
      ? JSON.stringify({ sorted_by: SORTED_BY, rows })
      : as === 'csv'
        ? compareCsv(rows)
        : compareTable(rows);
  process.stdout.write(`${text}\n`);
  return 0;
}
