// npm run bench:int8-openvino [-- Model ...] — emulate host's int8 against the runtime an x86 user would pick for
// fast int8. Per model (default: ResNeXt50_32x4d and three zoo models of other kinds; random weights, the 20
// photos, as zoo:check runs them): the float ONNX and zooforge's emulate host int8 ONNX, each in ONNX Runtime and in
// OpenVINO, and OpenVINO's own int8 (NNCF post-training quantization of the same float ONNX on the same calibration
// rows); 1 thread, batch 1, the same input, interleaved rounds (scripts/bench/openvino_latency.py, in a venv of its
// own). Headline: ResNeXt50_32x4d, zooforge int8 in ORT vs OpenVINO NNCF int8.
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';
import { mdTable, num } from '../../pipeline/report/format.ts';
import { loadCatalog } from '../../pipeline/zoo/catalog.ts';
import { checkModel } from '../zoo/check.ts';
import { BENCH_DIR, headline } from './common.ts';

const DEFAULT = ['ResNeXt50_32x4d', 'Mobilenetv2', 'ConvNeXt_atto', 'RepVGG_A0']; // grouped, depthwise, LayerNorm+GELU, plain 3x3
const VENV_PY = join(PROJECT_ROOT, '.zooforge', 'bench', 'openvino-venv', 'bin', 'python');
const root = join(BENCH_DIR, 'int8-openvino');

interface Timed {
  median_ms: Record<string, number>;
  versions: Record<string, string>;
}

await execa('bash', [join(PROJECT_ROOT, 'scripts', 'bench', 'setup-openvino.sh')], { stdio: 'inherit' });
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT;
const models = loadCatalog().models.filter((m) => m.source && wanted.includes(m.model));
const rows: { model: string; t: Record<string, number> }[] = [];
let versions: Record<string, string> = {};
for (const m of models) {
  const row = await checkModel(m, root, ['quantize.emulate=host', 'evaluate.perf_runs=0']);
  if (row.stages !== 'all passed') {
    console.error(`${m.model}: ${row.stages}`);
    continue;
  }
  const run = join(root, m.model, 'run');
  const r = await execa(VENV_PY, [
    join(PROJECT_ROOT, 'scripts', 'bench', 'openvino_latency.py'),
    join(run, 'simplify', 'model.onnx'),
    join(run, 'quantize', 'model_int8.onnx'),
    join(run, 'calibration', 'calib.npy'),
    '3',
    '30',
  ]);
  const timed = JSON.parse(r.stdout.trim().split('\n').pop()!) as Timed;
  versions = timed.versions;
  rows.push({ model: m.model, t: timed.median_ms });
  const t = timed.median_ms;
  console.error(
    `${m.model}: ORT fp32 ${num(t.ort_fp32)} ms, zooforge int8 in ORT ${num(t.ort_zooforge_int8)} ms, in OpenVINO ${num(t.openvino_zooforge_int8)} ms; OpenVINO fp32 ${num(t.openvino_fp32)} ms, NNCF int8 ${num(t.openvino_nncf_int8)} ms`,
  );
}
console.log(
  `1 thread, batch 1, median ms; ${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(
  mdTable(
    [
      'model',
      'ORT fp32',
      'zooforge int8, ORT',
      'zooforge int8, OpenVINO',
      'OpenVINO fp32',
      'NNCF int8, OpenVINO',
      'NNCF-OV / zooforge-ORT',
    ],
    rows.map(({ model, t }) => [
      model,
      num(t.ort_fp32),
      num(t.ort_zooforge_int8),
      num(t.openvino_zooforge_int8),
      num(t.openvino_fp32),
      num(t.openvino_nncf_int8),
      `${num(t.openvino_nncf_int8 / t.ort_zooforge_int8)}x`,
    ]),
  ),
);
const lead = rows.find((r) => r.model === 'ResNeXt50_32x4d') ?? rows[0];
headline(
  `${lead.model} int8 latency (1 thread)`,
  `${num(lead.t.ort_zooforge_int8)} ms`,
  'OpenVINO NNCF int8',
  `${num(lead.t.openvino_nncf_int8)} ms`,
  lead.t.ort_zooforge_int8 / lead.t.openvino_nncf_int8,
);
