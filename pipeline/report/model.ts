import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { succeeded, type StageResult } from '../engine/types.ts';
import type { SensitivityRow } from './sensitivity.ts';

/** report.json, schema version 1. Percentages are 0-100. Every number also sits in manifest.json under its stage. */
export interface ReportData {
  schema: 'zooforge-report/1';
  model: string;
  backend: string;
  size: string;
  categories: number | null;
  params: { total: number | null; millions: number | null; initializers: number | null };
  n: number | null;
  float: Accuracy | null;
  quant: Accuracy | null;
  flips: { float_only: number; quant_only: number; both_right: number; both_wrong: number } | null;
  mcnemar_p: number | null;
  agreement: number | null;
  mean_output_cosine: number | null;
  calibration: { method: string; per_channel: boolean; selected: string; search: unknown[]; samples: number | null } | null;
  perf: Perf | null;
  output_similarity: Record<string, number> | null;
  nodes: NodeRow[];
  histograms: Histogram[];
  /** per-layer sensitivity ranking (when the sensitivity stage ran) */
  sensitivity: SensitivityRow[];
  per_class: { class: string; n: number; float: number; quant: number; delta: number }[];
  preprocessing: unknown;
  tools: Record<string, string | null>;
  /** stage -> cache key of the result each number came from */
  provenance: Record<string, string | undefined>;
  /** stages that failed or were skipped in this run: the report is partial */
  incomplete: { stage: string; status: string; reason?: string }[];
  /** evaluation images that could not be decoded (skipped, not counted) */
  skipped_images: string[];
}

export interface Accuracy { top1: number; top5: number; top1_ci95: [number, number]; top5_ci95: [number, number] }
export interface Perf {
  label: 'host' | 'board'; cpu: string; cores: number; single_ms: number; multi_ms: number; fps: number; float_single_ms: number; speedup: number;
  /** host timings: share of the CPU other processes used meanwhile, and whether that made the figures unreliable */
  others_busy_fraction?: number | null; busy?: boolean;
}
export interface NodeRow { node: string; type: string; cosine: number; threshold: number | null; dtype: string }
export interface Histogram { node: string; tensor: string; cosine: number; abs_max: number; counts: number[]; range: [number, number] }

type Data = Record<string, any>; // worker JSON: its shape is checked where the worker writes it

function accuracy(d: Data | undefined): Accuracy | null {
  if (!d) return null;
  return { top1: d.top1.percent, top5: d.top5.percent, top1_ci95: d.top1.ci95, top5_ci95: d.top5.ci95 };
}

function readJson<T>(r: StageResult | undefined, output: string, fallback: T): T {
  const rec = r?.outputs[output];
  return r?.dir && rec ? (JSON.parse(readFileSync(join(r.dir, rec.path), 'utf8')) as T) : fallback;
}

const usable = (r?: StageResult): StageResult | undefined => (succeeded(r?.status) ? r : undefined);

export function buildReportData(modelName: string, backend: string, upstream: Record<string, StageResult>, tools: Record<string, string | null>): ReportData {
  const [exp, params, ort, horizon, ortEval, hbEval, perf] = ['export', 'params', 'quantize', 'horizon', 'evaluate', 'hb_evaluate', 'perf'].map((id) => usable(upstream[id]));
  const evalr = ortEval ?? hbEval;
  const quant = ort ?? horizon;
  const board = usable(upstream.board)?.data as Data | undefined;
  const pre = exp?.data.preprocessing as Data | undefined;
  const e = evalr?.data as Data | undefined;
  const q = quant?.data as Data | undefined;
  const pf = perf?.data as Data | undefined;
  return {
    schema: 'zooforge-report/1', model: modelName, backend,
    size: pre ? `${pre.size[0]}x${pre.size[1]}` : 'n/a',
    categories: e ? e.per_class.length : null,
    params: { total: (params?.data.total as number) ?? null, millions: (params?.data.millions as number) ?? null, initializers: (params?.data.initializers as number) ?? null },
    n: e?.n ?? null, float: accuracy(e?.float), quant: accuracy(e?.quant),
    flips: e ? { float_only: e.paired.float_only, quant_only: e.paired.quant_only, both_right: e.paired.both_right, both_wrong: e.paired.both_wrong } : null,
    mcnemar_p: e?.paired.mcnemar_p ?? null, agreement: e?.paired.agreement ?? null, mean_output_cosine: e?.paired.mean_output_cosine ?? null,
    calibration: ort && q ? { method: q.method, per_channel: q.per_channel, selected: q.selected, search: q.search, samples: q.calibrated_on ?? null }
      : q ? { method: q.calibration_method ?? 'n/a', per_channel: String(q.calibration_method).includes('per_channel'), selected: `Select ${q.calibration_method} method. (hb_mapper)`, search: [], samples: null } : null,
    perf: board ? { label: 'board', cpu: `${board.host} (DNN ${board.runtime?.dnn ?? '?'})`, cores: board.multi.threads, single_ms: board.single.average_latency_ms,
      multi_ms: board.multi.average_latency_ms, fps: board.multi.fps, float_single_ms: NaN, speedup: NaN }
      : pf ? { label: 'host', cpu: pf.host.cpu, cores: pf.host.cores, single_ms: pf.quant.single.median_ms, multi_ms: pf.quant.multi.mean_latency_ms,
      fps: pf.quant.multi.fps, float_single_ms: pf.float.single.median_ms, speedup: pf.speedup_single,
      others_busy_fraction: pf.machine_load?.others_busy_fraction ?? null, busy: pf.machine_load?.busy ?? false } : null,
    output_similarity: ort ? q?.output_similarity ?? null : q?.output_similarity?.[0] ?? null,
    nodes: readJson<NodeRow[]>(quant, 'nodes', []),
    histograms: readJson<Histogram[]>(quant, 'histograms', []),
    sensitivity: readJson<ReportData['sensitivity']>(usable(upstream.sensitivity), 'sensitivity', []),
    per_class: e?.per_class ?? [], preprocessing: pre ?? null, tools,
    provenance: Object.fromEntries(Object.entries(upstream).map(([id, r]) => [id, r.key])),
    incomplete: Object.values(upstream).filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => ({ stage: r.id, status: r.status })),
    skipped_images: (e?.skipped as string[] | undefined) ?? [],
  };
}
