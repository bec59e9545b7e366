import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';

/** The browser script report.html inlines (a real .js file, linted like the rest; read once per process). */
let charts: string | undefined;
export function chartsScript(): string {
  charts ??= readFileSync(join(PROJECT_ROOT, 'pipeline', 'report', 'browser', 'charts.js'), 'utf8');
  return charts;
}
