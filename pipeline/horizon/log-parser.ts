/** hb_mapper makertbin log parser: X3 2021 (horizon_nn 0.9), X5 2024 (1.0.x, In/Out DataType) and X5 2025
 *  (1.1.0) formats. Unknown formats warn and keep what could be read; it never throws on content. */

export interface NodeRow {
  node: string;
  on: string;
  subgraph: string;
  type: string;
  cosine: number | null;
  threshold: number | null;
  dtype: string | null;
}
export interface OutputRow {
  name: string;
  cosine: number | null;
  l1: number | null;
  l2: number | null;
  chebyshev: number | null;
}

export interface MapperLog {
  format: 'x5-2025' | 'x5-2024' | 'x3-2021' | 'unknown';
  versions: Record<string, string>;
  calibration_method: string | null;
  nodes: NodeRow[];
  outputs: OutputRow[];
  perf: { fps: number; latency_us: number; ddr_bytes: number } | null;
  errors: string[];
  success: boolean;
  warnings: string[];
}

const num = (s: string | undefined): number | null =>
  s === undefined || s === '--' || s === '' || Number.isNaN(Number(s)) ? null : Number(s);
const isLogLine = (l: string): boolean =>
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(l) || /^(INFO|WARNING|ERROR|DEBUG)\b/.test(l);
const isRule = (l: string): boolean => /^[=-]{10,}\s*$/.test(l);

interface Token {
  text: string;
  at: number;
}
const tokens = (line: string): Token[] => [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], at: m.index ?? 0 }));

/** Rows of a fixed-width table: tokens beyond the fixed ones are placed by count, or by column position when some are blank. */
function tableRows(
  lines: string[],
  start: number,
  header: string,
  columns: string[],
): { rows: Token[][][]; end: number } {
  const starts = columns.map((c) => header.indexOf(c));
  const rows: Token[][][] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (isRule(line)) continue;
    if (!line.trim() || isLogLine(line)) break;
    const t = tokens(line);
    const cells: Token[][] = columns.map(() => []);
    const fixed = Math.min(t.length, columns.length - (t.length < columns.length ? columns.length - t.length : 0));
    if (t.length >= columns.length) {
      columns.forEach((_, c) => {
        cells[c] = c === columns.length - 1 ? t.slice(c) : [t[c]];
      });
    } else {
      // Fewer tokens than columns: keep the leading ones in order, place the rest by their position under the header.
      const lead = Math.min(fixed, 4);
      for (let k = 0; k < t.length; k++) {
        const c =
          k < lead
            ? k
            : Math.max(
                lead,
                starts.reduce((best, s, idx) => (s <= t[k].at + 1 && s >= 0 ? idx : best), lead),
              );
        cells[c].push(t[k]);
      }
    }
    rows.push(cells);
  }
  return { rows, end: i };
}

const text = (cell: Token[] | undefined): string | undefined =>
  cell?.length ? cell.map((t) => t.text).join(' ') : undefined;

function parseNodeTable(lines: string[], headerAt: number): NodeRow[] {
  const header = lines[headerAt];
  const hasDtype = /DataType/.test(header);
  const columns = [
    'Node',
    'ON',
    'Subgraph',
    'Type',
    'Cosine Similarity',
    'Threshold',
    ...(hasDtype ? [/In\/Out DataType/.test(header) ? 'In/Out DataType' : 'DataType'] : []),
  ];
  return tableRows(lines, headerAt + 1, header, columns).rows.map((c) => ({
    node: text(c[0]) ?? '',
    on: text(c[1]) ?? '',
    subgraph: text(c[2]) ?? '',
    type: text(c[3]) ?? '',
    cosine: num(text(c[4])),
    threshold: num(text(c[5])),
    dtype: hasDtype ? (text(c[6]) ?? null) : null,
  }));
}

function parseOutputTable(lines: string[], headerAt: number): OutputRow[] {
  const header = lines[headerAt];
  const first = header.trim().split(/\s+/)[0];
  const columns = [first, 'Cosine Similarity', 'L1 Distance', 'L2 Distance', 'Chebyshev Distance'];
  return tableRows(lines, headerAt + 1, header, columns).rows.map((c) => ({
    name: text(c[0]) ?? '',
    cosine: num(text(c[1])),
    l1: num(text(c[2])),
    l2: num(text(c[3])),
    chebyshev: num(text(c[4])),
  }));
}

export function parseVersions(textIn: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const m of textIn.matchAll(
    /\b(hb_mapper|horizon_nn|hbdk|hbdk runtime|horizon_tc_ui|hmct|hb_compile)[ _]version[\s:=]+'?\s*([0-9][\w.+-]*)/g,
  )) {
    versions[m[1].replace(' ', '_')] ??= m[2];
  }
  return versions;
}

export function parseMapperLog(textIn: string): MapperLog {
  const lines = textIn.split(/\r?\n/);
  const log: MapperLog = {
    format: 'unknown',
    versions: parseVersions(textIn),
    calibration_method: null,
    nodes: [],
    outputs: [],
    perf: null,
    errors: [],
    success: false,
    warnings: [],
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const select = l.match(/\bSelect (.+?) method\.?\s*$/);
    if (select) log.calibration_method = select[1];
    const perf = l.match(/FPS=([\d.]+), latency = ([\d.]+) us, DDR = (\d+) bytes/);
    if (perf) log.perf = { fps: Number(perf[1]), latency_us: Number(perf[2]), ddr_bytes: Number(perf[3]) };
    if (/\bERROR\b/.test(l)) log.errors.push(l.replace(/^.*?\bERROR\b\s*/, '').trim());
    if (/Convert to runtime bin file successfully/.test(l)) log.success = true;
    if (/^\s*Node\s+ON\s+Subgraph\s+Type\b/.test(l)) {
      log.nodes.push(...parseNodeTable(lines, i));
      log.format = /In\/Out DataType/.test(l) ? 'x5-2024' : /DataType/.test(l) ? 'x5-2025' : 'x3-2021';
    } else if (/^\s*(Output|Node)\s+Cosine Similarity\s+L1 Distance/.test(l)) {
      log.outputs.push(...parseOutputTable(lines, i));
    }
  }
  if (log.format === 'unknown')
    log.warnings.push(
      'no per-node table in a known format (X3 2021, X5 2024, X5 2025): kept versions, errors and what else was found',
    );
  if (log.nodes.some((n) => !n.node || !n.type)) log.warnings.push('some node rows could not be split into columns');
  return log;
}
