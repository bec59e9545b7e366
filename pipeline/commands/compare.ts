import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CorruptInputError, UserInputError } from '../errors.ts';
import { mdTable, pct, pval } from '../report/format.ts';
import type { ReportData } from '../report/model.ts';
import { readUserText, TEXT_LIMITS } from '../tools/read-text.ts';

export interface CompareRow {
  variant: string;
  backend: string;
  calibration: string;
  float_top1: number | null;
  quant_top1: number | null;
  drop: number | null;
  float_only: number | null;
  quant_only: number | null;
  mcnemar_p: number | null;
}

export function compareRow(runDir: string): CompareRow {
  const path = join(runDir, 'report', 'report.json');
  if (!existsSync(path)) {
    const kept = join(runDir, 'complete');
    throw new UserInputError(
      `${runDir}: no report/report.json (run the recipe through the report stage first)` +
        (existsSync(kept) ? `; its last complete runs are kept in ${kept}/<variant>/: compare those` : ''),
    );
  }
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
  return {
    variant: basename(runDir),
    backend: d.backend,
    calibration: d.calibration ? `${d.calibration.method}${d.calibration.per_channel ? ', per_channel' : ''}` : 'n/a',
    float_top1: d.float?.top1 ?? null,
    quant_top1: d.quant?.top1 ?? null,
    drop: d.float && d.quant ? d.float.top1 - d.quant.top1 : null,
    float_only: d.flips?.float_only ?? null,
    quant_only: d.flips?.quant_only ?? null,
    mcnemar_p: d.mcnemar_p,
  };
}

export function compareTable(rows: CompareRow[]): string {
  return mdTable(
    [
      'variant',
      'backend',
      'calibration',
      'float Top-1',
      'int8 Top-1',
      'drop',
      'float-only right',
      'int8-only right',
      'McNemar p',
    ],
    rows.map((r) => [
      r.variant,
      r.backend,
      r.calibration,
      pct(r.float_top1),
      pct(r.quant_top1),
      pct(r.drop),
      String(r.float_only ?? 'n/a'),
      String(r.quant_only ?? 'n/a'),
      pval(r.mcnemar_p),
    ]),
  );
}

export function compareCommand(dirs: string[], json: boolean): number {
  if (dirs.length === 0)
    throw new UserInputError('compare: name one or more run folders, e.g. zooforge compare runs/a runs/b');
  const rows = dirs.map(compareRow).sort((a, b) => (b.quant_top1 ?? -1) - (a.quant_top1 ?? -1));
  process.stdout.write(json ? `${JSON.stringify({ rows })}\n` : `${compareTable(rows)}\n`);
  return 0;
}
