import { existsSync, readFileSync } from 'node:fs';
import { join, parse as parsePath, resolve } from 'node:path';
import { watchParent } from '../batch/parent-pipe.ts';
import { HashMemo } from '../cache/hash.ts';
import { CacheStore } from '../cache/store.ts';
import { execute } from '../engine/execute.ts';
import { acquireLock } from '../engine/lock.ts';
import { type Manifest, readManifest } from '../engine/manifest.ts';
import { claimDir, RUN_MARKER } from '../engine/outdir.ts';
import { plan } from '../engine/plan.ts';
import { missingUserFiles } from '../engine/preflight.ts';
import { succeeded } from '../engine/types.ts';
import { ExitCode, InterruptedError, UserInputError } from '../errors.ts';
import { resolveBackend } from '../horizon/auto-backend.ts';
import { userCacheDir } from '../paths.ts';
import { loadRecipe } from '../recipe/load.ts';
import { headline } from '../report/document.ts';
import type { ReportData } from '../report/model.ts';
import { selectStages } from '../stages/index.ts';
import { ListrReporter } from '../terminal/listr.ts';
import { NdjsonReporter } from '../terminal/ndjson.ts';
import { PlainReporter } from '../terminal/plain.ts';
import type { Reporter } from '../terminal/types.ts';
import { outPath } from '../tools/out-path.ts';
import { resolvePython } from '../tools/python.ts';

export interface RunFlags {
  recipe: string;
  until?: string;
  force: string[];
  out?: string;
  cache?: string;
  set: string[];
  json: boolean;
  plain: boolean;
}

export function defaultOutDir(recipe: string): string {
  return resolve('runs', parsePath(recipe).name);
}

/** --cache, then ZOOFORGE_CACHE, then the user's cache folder (one per user, whatever folder a run starts in). */
export function cacheRoot(flag?: string): string {
  return resolve(flag || process.env.ZOOFORGE_CACHE || userCacheDir());
}

export function pickReporter(f: RunFlags): Reporter {
  if (f.json) return new NdjsonReporter();
  if (f.plain || process.env.CI || !process.stderr.isTTY) return new PlainReporter();
  return new ListrReporter();
}

async function prepare(f: RunFlags) {
  const stages = selectStages(f.until, f.force);
  const loaded = loadRecipe(f.recipe, f.set, { resolveBackend });
  const missing = await missingUserFiles(stages, loaded);
  if (missing.length > 0) throw new UserInputError(missing.join('\n'), missing);
  if (!f.json) process.stderr.write(`${loaded.backendNote}\n`);
  const python = await resolvePython(loaded.recipe.python && resolve(loaded.dir, loaded.recipe.python));
  return {
    loaded,
    stages,
    python,
    outDir: f.out ? outPath(f.out) : defaultOutDir(f.recipe),
    cache: new CacheStore(cacheRoot(f.cache)),
  };
}

export interface PipelineResult {
  code: number;
  manifest: Manifest;
  outDir: string;
}

function exitCodeOf(manifest: Manifest): number {
  if (manifest.status === 'passed') return ExitCode.ok;
  if (manifest.status === 'interrupted') return 130;
  return manifest.stages.some((st) => st.badInput) ? ExitCode.badInput : ExitCode.stageFailed;
}

/** Run the pipeline once; Ctrl-C aborts the running worker and the result says interrupted. */
export async function runPipeline(f: RunFlags, reporter: Reporter = pickReporter(f)): Promise<PipelineResult> {
  const { loaded, stages, python, outDir, cache } = await prepare(f);
  claimDir(outDir, RUN_MARKER, 'run folder');
  const release = acquireLock(outDir);
  const closeCache = cache.open();
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const unwatch = watchParent(onSignal);
  try {
    const { manifest } = await execute({
      loaded,
      stages,
      outDir,
      cache,
      force: f.force,
      signal: controller.signal,
      python,
      emit: (e) => reporter.onEvent(e),
    });
    await reporter.finish();
    return { code: exitCodeOf(manifest), manifest, outDir };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    unwatch();
    release();
    closeCache();
  }
}

/** `zooforge run`: returns the exit code. */
export async function runCommand(f: RunFlags): Promise<number> {
  const { code, manifest, outDir } = await runPipeline(f);
  const report = manifest.stages.find((s) => s.id === 'report' && succeeded(s.status));
  const json = join(outDir, 'report', 'report.json');
  if (report && !f.json) {
    if (existsSync(json)) process.stderr.write(`${headline(JSON.parse(readFileSync(json, 'utf8')) as ReportData)}\n`);
    process.stderr.write(`report: ${join(outDir, 'report', 'report.md')}\n`);
  }
  if (code === 130) throw new InterruptedError();
  return code;
}

/** `zooforge plan`: what would run and why; writes nothing. */
export async function planCommand(f: RunFlags): Promise<number> {
  const { loaded, stages, python, outDir, cache } = await prepare(f);
  const planned = await plan(
    stages,
    { loaded, cache, memo: new HashMemo(), versions: python.versions, force: f.force, previous: readManifest(outDir) },
    outDir,
  );
  if (f.json) process.stdout.write(`${JSON.stringify({ outDir, stages: planned })}\n`);
  else
    for (const s of planned)
      process.stdout.write(`${s.id.padEnd(12)} ${s.action === 'disabled' ? `off: ${s.reason}` : s.reason}\n`);
  return 0;
}
