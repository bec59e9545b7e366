import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { FASHION_MNIST } from '../contracts/fashion-mnist.ts';
import { ExitCode } from '../errors.ts';
import { onPath } from '../horizon/auto-backend.ts';
import { IS_CHECKOUT, PROJECT_ROOT } from '../paths.ts';
import { resolvePython, workerEnv } from '../tools/python.ts';
import { VERSION } from '../version.ts';
import { cacheRoot } from './run.ts';

/** One line of the doctor's answer: `needed` checks decide the exit code, the others only inform. */
interface Check {
  what: string;
  ok: boolean;
  needed: boolean;
  detail: string;
}

async function pythonCheck(): Promise<{ check: Check; executable?: string; blas?: string | null }> {
  try {
    const py = await resolvePython();
    const v = py.versions;
    const detail = `${py.executable}: Python ${v.python}, torch ${v.torch}, onnxruntime ${v.onnxruntime}, onnx ${v.onnx}, onnxsim ${v.onnxsim}, timm ${v.timm}`;
    return { check: { what: 'python', ok: true, needed: true, detail }, executable: py.executable, blas: v.blas };
  } catch (err) {
    const tried = (err as Error).message
      .split('\n')
      .slice(1, -1)
      .map((line) => line.trim());
    const detail = `none usable (needs torch, onnx, onnxruntime); tried ${tried.join('; ')}; run 'zooforge setup'`;
    return { check: { what: 'python', ok: false, needed: true, detail } };
  }
}

/** The BLAS Debian's torch and numpy call: any optimized one works; Debian's reference one (blas/) is ~10x slower on
 *  torch's convolutions. */
function blasCheck(python: { executable?: string; blas?: string | null }): Check {
  const what = 'blas';
  if (!python.executable) return { what, ok: false, needed: false, detail: 'no Python environment' };
  if (python.blas && !python.blas.startsWith('blas/'))
    return { what, ok: true, needed: false, detail: `${python.blas} (the system BLAS torch and numpy call)` };
  const found = python.blas ? `${python.blas}, the reference BLAS` : 'no libblas.so.3 found';
  return {
    what,
    ok: false,
    needed: false,
    detail: `${found}: torch's export check runs ~10x slower; install libopenblas0-openmp ('zooforge setup' does)`,
  };
}

/** A Python module only some features need: its version, or what works without it. */
async function optionalModule(
  python: string | undefined,
  module: string,
  uses: string,
  without: string,
): Promise<Check> {
  if (!python) return { what: module, ok: false, needed: false, detail: 'no Python environment' };
  const probe = `import ${module}; print(${module}.__version__.split('-')[0])`;
  const r = await execa(python, ['-c', probe], { reject: false, env: workerEnv() });
  return r.exitCode === 0
    ? { what: module, ok: true, needed: false, detail: `${String(r.stdout).trim()} (${uses})` }
    : { what: module, ok: false, needed: false, detail: `not importable: ${without}` };
}

/** The nearest folder that exists on the way up: where the cache folder would be created. */
function existingAncestor(dir: string): string {
  return existsSync(dir) || dirname(dir) === dir ? dir : existingAncestor(dirname(dir));
}

function cacheCheck(flag?: string): Check {
  const root = cacheRoot(flag);
  const at = existingAncestor(root);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    return {
      what: 'cache',
      ok: false,
      needed: true,
      detail: `${root}: ${at} is not writable; set --cache or ZOOFORGE_CACHE`,
    };
  }
  if (!existsSync(root)) return { what: 'cache', ok: true, needed: true, detail: `${root} (created by the first run)` };
  const entries = readdirSync(root)
    .filter((n) => /^[0-9a-f]{2}$/.test(n))
    .reduce((sum, shard) => sum + readdirSync(join(root, shard)).length, 0);
  return { what: 'cache', ok: true, needed: true, detail: `${root} (${entries} stage results)` };
}

function fashionCheck(): Check {
  const files = Object.values(FASHION_MNIST.files).flatMap((s) => [s.images, s.labels]);
  const missing = files.filter((f) => !existsSync(join(FASHION_MNIST.root, f)));
  return missing.length === 0
    ? { what: 'fashion-mnist', ok: true, needed: false, detail: `${FASHION_MNIST.root} (the demo recipes' data)` }
    : {
        what: 'fashion-mnist',
        ok: false,
        needed: false,
        detail: `${FASHION_MNIST.root} lacks ${missing.join(', ')}: the demo recipes cannot run ('zooforge setup' installs dataset-fashion-mnist)`,
      };
}

function toolchainCheck(): Check {
  const what = 'hb_mapper';
  if (onPath('hb_mapper'))
    return { what, ok: true, needed: false, detail: 'on PATH: quantize.backend auto builds the .bin with it' };
  const docker = onPath('docker')
    ? "; docker is: a recipe's quantize.toolchain.docker_image runs the toolchain image"
    : '';
  return { what, ok: false, needed: false, detail: `not on PATH${docker}; otherwise the embedded ort backend is used` };
}

/** `zooforge doctor`: what this installation has and lacks, one line each; exit 1 when a run could not start. */
export async function doctorCommand(json: boolean, cacheFlag?: string): Promise<number> {
  const python = await pythonCheck();
  const checks = [
    python.check,
    blasCheck(python),
    await optionalModule(
      python.executable,
      'ray',
      'sweep --ray, zoo run --ray',
      'sweep and zoo run work with --jobs, not --ray',
    ),
    await optionalModule(
      python.executable,
      'openvino',
      'quantize.host_runtime: openvino',
      "emulate host runs in ONNX Runtime only ('zooforge setup' installs it)",
    ),
    cacheCheck(cacheFlag),
    fashionCheck(),
    toolchainCheck(),
  ];
  const ready = checks.every((c) => c.ok || !c.needed);
  const where = `${IS_CHECKOUT ? 'checkout' : 'installed package'} at ${PROJECT_ROOT}`;
  if (json)
    process.stdout.write(`${JSON.stringify({ version: VERSION, where, node: process.version, ready, checks })}\n`);
  else {
    const lines = checks.map(
      (c) => `${(c.ok ? 'ok' : c.needed ? 'MISSING' : 'absent').padEnd(8)} ${c.what.padEnd(14)} ${c.detail}`,
    );
    process.stdout.write(`zooforge ${VERSION} (${where}), Node ${process.version}\n${lines.join('\n')}\n`);
    process.stdout.write(
      ready
        ? 'ready: zooforge run <recipe.yaml>\n'
        : "not ready: see MISSING above ('zooforge setup' builds the Python environment)\n",
    );
  }
  return ready ? ExitCode.ok : ExitCode.stageFailed;
}
