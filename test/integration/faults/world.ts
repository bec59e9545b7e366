import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT, SHARED_DIR, VENV_PYTHON } from '../../../pipeline/paths.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { warmCache } from '../../helpers/warm-cache.ts';

/** A sandbox of user files for fault tests: a recipe, models, checkpoints, datasets, a user's own folders. Every
 *  case runs with its output in `out/<case>` and the cache in `cache/`; nothing else in here may change. */
export interface World {
  dir: string;
  recipe: string;
  out(name: string): string;
  cache: string;
}

export const FASHION_CKPT = join(PROJECT_ROOT, 'models', 'fashion_resnext.pt');

export async function makeWorld(dir: string): Promise<World> {
  const recipe = join(dir, 'recipe.yaml');
  writeFileSync(
    recipe,
    // calibration as in the shared warm-up (its cache is this world's starting point), evaluation on 200 images
    fashionRecipeText().replace('evaluate:\n', 'evaluate:\n  limit: 200\n  perf_runs: 0\n'),
  );
  mkdirSync(join(dir, 'thesis'));
  writeFileSync(join(dir, 'thesis', 'thesis.tex'), '\\documentclass{article}\n');
  writeFileSync(join(dir, 'afile.txt'), 'not a folder\n');
  // Checkpoints that cannot be this model's weights.
  mkdirSync(join(dir, 'ckpt-dir'));
  writeFileSync(join(dir, 'ckpt-truncated.pt'), readFileSync(FASHION_CKPT).subarray(0, 4000));
  writeFileSync(join(dir, 'ckpt-random.pt'), createHash('sha512').update('random').digest().toString('hex').repeat(40));
  // hb_mapper configs from the zoo with one hostile field each.
  const zoo = readFileSync(join(SHARED_DIR, 'fixtures', 'zoo', 'yaml', 'ResNeXt50_32x4d_config.yaml'), 'utf8');
  writeFileSync(
    join(dir, 'hb-prefix.yaml'),
    zoo.replace(/output_model_file_prefix: .*/, "output_model_file_prefix: 'm;touch PWNED;m'"),
  );
  writeFileSync(join(dir, 'hb-workdir.yaml'), zoo.replace(/working_dir: .*/, "working_dir: '../../../../../x'"));
  writeFileSync(join(dir, 'not-hb.yaml'), 'hello: world\n');
  // Images: a flat folder and label files with problems.
  await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'test', 'helpers', 'make_image_folder.py'), join(dir, 'imgs'), '30']);
  const labels = readFileSync(join(dir, 'imgs', 'flat_labels.txt'), 'utf8')
    .trim()
    .split('\n');
  writeFileSync(
    join(dir, 'imgs', 'labels-out-of-range.txt'),
    `${labels.map((l, i) => (i === 3 ? '999' : i === 7 ? '-1' : l)).join('\n')}\n`,
  );
  writeFileSync(join(dir, 'imgs', 'labels-names.txt'), `${labels.map((l) => `class_${l}`).join('\n')}\n`);
  // ONNX models with external data (written by onnx itself), one with its data file missing, one truncated.
  await execa(VENV_PYTHON, [
    '-c',
    `
import onnx, numpy as np, os, shutil
from onnx import helper, numpy_helper, TensorProto
d = ${JSON.stringify(dir)}
w = numpy_helper.from_array(np.arange(1*1*3*3, dtype=np.float32).reshape(1, 1, 3, 3) / 9, "w")
g = helper.make_graph([helper.make_node("Conv", ["data", "w"], ["c"]), helper.make_node("Flatten", ["c"], ["output"])], "g",
    [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 1, 28, 28])], [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 676])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)]); m.ir_version = 7
for name in ("ext-ok", "ext-missing", "ext-truncated"):
    os.makedirs(os.path.join(d, name))
    mm = onnx.ModelProto(); mm.CopyFrom(m)  # save_model moves the data out of the proto it is given
    onnx.save_model(mm, os.path.join(d, name, "m.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
os.makedirs(os.path.join(d, "ext-dotdot"))
mm = onnx.ModelProto(); mm.CopyFrom(m)
# onnx's own saver refuses a location with ".." anywhere; the name is a file name all the same: renamed by hand
onnx.save_model(mm, os.path.join(d, "ext-dotdot", "m.onnx"), save_as_external_data=True, all_tensors_to_one_file=True, location="x.weights", size_threshold=0)
os.rename(os.path.join(d, "ext-dotdot", "x.weights"), os.path.join(d, "ext-dotdot", "..weights"))
body = open(os.path.join(d, "ext-dotdot", "m.onnx"), "rb").read().replace(b"x.weights", b"..weights")
open(os.path.join(d, "ext-dotdot", "m.onnx"), "wb").write(body)
shutil.copytree(os.path.join(d, "ext-ok"), os.path.join(d, "ext-dir"))
os.remove(os.path.join(d, "ext-dir", "weights.bin"))
os.makedirs(os.path.join(d, "ext-dir", "weights.bin"))
neg = onnx.ModelProto(); neg.CopyFrom(m)
neg.graph.initializer[0].dims[:] = [-1, 9]
open(os.path.join(d, "negdim.onnx"), "wb").write(neg.SerializeToString())
os.remove(os.path.join(d, "ext-missing", "weights.bin"))
open(os.path.join(d, "ext-truncated", "weights.bin"), "r+b").truncate(10)
shutil.copy(os.path.join(d, "ext-ok", "m.onnx"), os.path.join(d, "truncated.onnx"))
open(os.path.join(d, "truncated.onnx"), "r+b").truncate(60)
`,
  ]);
  writeFileSync(
    join(dir, 'report-truncated.json'),
    '{"schema": "zooforge-report/1", "model": "x", "float": {"top1": 9',
  );
  mkdirSync(join(dir, 'run-truncated', 'report'), { recursive: true });
  copyFileSync(join(dir, 'report-truncated.json'), join(dir, 'run-truncated', 'report', 'report.json'));
  // A user module that prints what looks like zooforge's progress protocol, but is not.
  cpSync(join(PROJECT_ROOT, 'models', 'fashion_resnext.py'), join(dir, 'noisy_module.py'));
  writeFileSync(
    join(dir, 'noisy_module.py'),
    `print("##zf-progress {not json")\nprint("##zf-progress {\\"nomessage\\": 1}")\n${readFileSync(join(dir, 'noisy_module.py'), 'utf8')}`,
  );
  // Recipes no YAML reader should choke on: an alias inside itself, an alias bomb, 10,000 levels, 6M items, a FIFO.
  writeFileSync(
    join(dir, 'alias-self.yaml'),
    'model:\n  name: m\n  source: {timm: resnet18}\n  kwargs: {x: &a [1, *a]}\n',
  );
  writeFileSync(
    join(dir, 'alias-bomb.yaml'),
    [
      'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
    ].join('\n'),
  );
  writeFileSync(join(dir, 'deep.yaml'), `model: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
  writeFileSync(
    join(dir, 'huge-list.yaml'),
    `model: {name: m, source: {timm: resnet18}, kwargs: {x: [${'1,'.repeat(6_000_000)}1]}}\n`,
  );
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  execFileSync('mkfifo', [join(dir, 'pipe.pt')]);
  mkdirSync(join(dir, 'run-fifo-report', 'report'), { recursive: true });
  execFileSync('mkfifo', [join(dir, 'run-fifo-report', 'report', 'report.json')]);
  // A run folder whose manifest.json is a folder.
  mkdirSync(join(dir, 'run-manifest-dir', 'manifest.json'), { recursive: true });
  writeFileSync(join(dir, 'run-manifest-dir', '.zooforge-run'), '{}\n');
  mkdirSync(join(dir, 'out'));
  return { dir, recipe, cache: warmCache(join(dir, 'cache')), out: (name) => join(dir, 'out', name) };
}

/** path -> content hash (files), link target (links) or 'dir', for everything below `dir` except `skip` folders. */
export function snapshot(dir: string, skip: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const rel = relative(dir, full);
      if (skip.includes(rel)) continue;
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(full)}`);
      else if (st.isFIFO())
        out.set(rel, 'fifo'); // reading it would block
      else if (st.isDirectory()) {
        out.set(rel, 'dir');
        walk(full);
      } else out.set(rel, createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The first line a user reads about the failure: the CLI's own message, or the failed stage's line. */
export function firstMessage(stderr: string): string {
  return stderr.split('\n').find((l) => /^zooforge: |^failed /.test(l)) ?? '';
}
