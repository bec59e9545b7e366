/** Board-side output: `hrt_model_exec perf` / `model_info`, and `hb_model_info` (build versions). */
import { parseVersions } from './log-parser.ts';

export interface HrtPerf {
  threads: number | null;
  frames: number | null;
  average_latency_ms: number | null;
  fps: number | null;
  program_ms: number | null;
}
export interface HrtTensor {
  name: string;
  valid_shape: number[];
  tensor_type: string;
  layout: string;
  quanti_type: string;
}
export interface HrtInfo {
  model: string | null;
  runtime: Record<string, string>;
  inputs: HrtTensor[];
  outputs: HrtTensor[];
  perf: HrtPerf | null;
}

/** An `hrt_model_exec` log (model_info or perf) rather than an hb_mapper one. */
export const isHrtLog = (text: string): boolean => /^hrt_model_exec |\[model name\]:|^input\[\d+\]:/m.test(text);

const field = (t: string, re: RegExp): number | null => {
  const m = t.match(re);
  return m ? Number(m[1]) : null;
};

export function parseHrt(text: string): HrtInfo {
  const runtime: Record<string, string> = {};
  const grab = (key: string, re: RegExp): void => {
    const m = text.match(re);
    if (m) runtime[key] = m[1];
  };
  grab('bpu_platform', /BPU Platform Version\(([^)]+)\)/);
  grab('hbrt', /\[HBRT\][^\n]*version = ([\w.]+)/);
  grab('dnn', /\[DNN\] Runtime version = ([\d.]+)/);
  grab('model_builder', /model builder version = ([\w.]+)/);
  const tensors = (kind: 'input' | 'output'): HrtTensor[] =>
    [...text.matchAll(new RegExp(`^${kind}\\[\\d+\\]:[ \\t]*\\n([\\s\\S]*?)(?=\\n[ \\t]*\\n|(?![\\s\\S]))`, 'gm'))].map(
      (m) => {
        const b = m[1];
        const get = (k: string): string => b.match(new RegExp(`${k}: ([^\\n]*)`))?.[1].trim() ?? '';
        return {
          name: get('name'),
          valid_shape: get('valid shape').replace(/[()]/g, '').split(',').filter(Boolean).map(Number),
          tensor_type: get('tensor type'),
          layout: get('tensor layout'),
          quanti_type: get('quanti type'),
        };
      },
    );
  const hasPerf = /Perf result:|Frame\s+rate\s+is:|Average\s+latency\s+is:/.test(text);
  const perf: HrtPerf | null = hasPerf
    ? {
        threads: field(text, /Thread number is:\s*(\d+)/),
        frames: field(text, /Frame count\s+is:\s*(\d+)/),
        average_latency_ms: field(text, /Average\s+latency\s+is:\s*([\d.]+)\s*ms/),
        fps: field(text, /Frame\s+rate\s+is:\s*([\d.]+)\s*FPS/),
        program_ms: field(text, /Program run time:\s*([\d.]+)\s*ms/),
      }
    : null;
  return {
    model: text.match(/\[model name\]:\s*(\S+)/)?.[1] ?? null,
    runtime,
    inputs: tensors('input'),
    outputs: tensors('output'),
    perf,
  };
}

/** `hb_model_info <model>.bin`: the build's tool versions. */
export function parseModelInfo(text: string): Record<string, string> {
  return parseVersions(text);
}
