// npm run bench:quantize — the default method search (12 candidates under emulate bpu) against one ONNX Runtime
// quantize_static pass (MinMax, QDQ) on the same prepared float model and calibration rows, for the demo, MobileOne_S0
// and ResNeXt50_32x4d (zoo recipes, random weights, the 20 photos). Ours is the quantize stage's own search_seconds
// (calibration pass + search, forced to re-run); theirs is quantize_static in a process of its own, imports excluded.
// Each model also says whether the winner is the one the exhaustive search of commit 4632447 chose (each of 12
// QDQ models written by ORT's writer and scored; recorded below). Headline: the three models' seconds summed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, SHARED_DIR, VENV_PYTHON } from '../../pipeline/paths.ts';
import { BENCH_DIR, headline } from './common.ts';

const CLI = join(PROJECT_ROOT, 'bin', 'zooforge.js');
const PHOTOS = join(SHARED_DIR, 'fixtures', 'photos');
const DIR = join(BENCH_DIR, 'quantize');
const ZOO_SET = [
  'model.pretrained=false',
  `calibration.dataset={folder: {path: ${PHOTOS}}}`,
  'calibration.count=20',
  'quantize.backend=ort',
];

interface Model {
  name: string;
  /** the recipe, or a zoo model name written with `zoo new` */
  recipe?: string;
  zoo?: string;
  set: string[];
  /** what the exhaustive search chose at commit 4632447 on this model */
  winner: string;
}

const MODELS: Model[] = [
  {
    name: 'demo (fashion_resnext)',
    recipe: join(PROJECT_ROOT, 'yaml', 'fashion_resnext.yaml'),
    set: [],
    winner: 'Select max-percentile:percentile=0.99995,per_channel,asymmetric method.',
  },
  {
    name: 'MobileOne_S0',
    zoo: 'MobileOne_S0',
    set: ZOO_SET,
    winner: 'Select max-percentile:percentile=0.99995,per_channel,asymmetric method.',
  },
  {
    name: 'ResNeXt50_32x4d',
    zoo: 'ResNeXt50_32x4d',
    set: ZOO_SET,
    winner: 'Select kl,per_channel,asymmetric method.',
  },
];

async function recipeOf(m: Model): Promise<string> {
  if (m.recipe) return m.recipe;
  const recipe = join(DIR, `${m.zoo}.yaml`);
  await execa('node', [CLI, 'zoo', 'new', m.zoo!, '--out', recipe, '--force'], { stdio: 'inherit' });
  return recipe;
}

interface Row {
  name: string;
  ours: number;
  theirs: number;
  selected: string;
  same: boolean;
}

async function measure(m: Model): Promise<Row> {
  const out = join(DIR, m.name.split(' ')[0]);
  const sets = m.set.flatMap((s) => ['--set', s]);
  const run = [CLI, 'run', await recipeOf(m), ...sets, '--until', 'quantize', '--force', 'quantize', '--out', out];
  await execa('node', [...run, '--plain'], { stdio: 'inherit' });
  const summary = JSON.parse(readFileSync(join(out, 'quantize', 'summary.json'), 'utf8'));
  const ort = await execa(VENV_PYTHON, [
    join(PROJECT_ROOT, 'scripts', 'bench', 'quantize_ort.py'),
    join(out, 'quantize', '.prepared.onnx'),
    join(out, 'calibration', 'calib.npy'),
    join(DIR, 'ort-int8.onnx'),
  ]);
  const theirs = JSON.parse(ort.stdout.trim().split('\n').pop()!).seconds as number;
  return {
    name: m.name,
    ours: summary.search_seconds,
    theirs,
    selected: summary.selected,
    same: summary.selected === m.winner,
  };
}

const rows: Row[] = [];
for (const m of MODELS) rows.push(await measure(m));
for (const r of rows) {
  console.log(
    `${r.name.padEnd(24)} search ${r.ours.toFixed(1).padStart(6)} s, ORT quantize_static ${r.theirs.toFixed(1).padStart(5)} s ` +
      `(${(r.ours / r.theirs).toFixed(1)}x); winner ${r.selected} ${r.same ? '(same winner as the exhaustive search)' : `(CHANGED: the exhaustive search chose ${MODELS.find((m) => m.name === r.name)!.winner})`}`,
  );
}
const ours = rows.reduce((s, r) => s + r.ours, 0);
const theirs = rows.reduce((s, r) => s + r.theirs, 0);
console.log(`same winner: ${rows.filter((r) => r.same).length}/${rows.length}`);
headline('quantize search', `${ours.toFixed(1)} s`, 'ORT quantize_static', `${theirs.toFixed(1)} s`, ours / theirs);
