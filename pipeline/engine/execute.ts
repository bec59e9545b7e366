import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { HashMemo, hashPath, sizeOf } from '../cache/hash.ts';
import { sha256Text } from '../cache/key.ts';
import { leaseKey } from '../cache/lease.ts';
import { type CacheHit, type CacheStore, materialize, type OutputRecord } from '../cache/store.ts';
import { PreprocessRecord } from '../contracts/common.ts';
import {
  ensured,
  environmentError,
  InterruptedError,
  isKnownError,
  StageFailedError,
  UserInputError,
} from '../errors.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import { STAGE_ORDER } from '../stages/order.ts';
import type { PythonEnv } from '../tools/python.ts';
import { removeStaleStaging } from '../tools/staging.ts';
import { VERSION } from '../version.ts';
import type { EventSink } from './events.ts';
import { dropSupersededCopy, KEPT_DIR, keepCompleteRun, keptRunDir } from './keep-complete.ts';
import { MANIFEST_FILE, type Manifest, type ManifestStage, readManifest, writeManifest } from './manifest.ts';
import { type DecideContext, type Decision, decide, plan } from './plan.ts';
import { type Stage, type StageResult, succeeded } from './types.ts';

export interface ExecuteOptions {
  loaded: LoadedRecipe;
  stages: readonly Stage[];
  outDir: string;
  cache: CacheStore;
  force: readonly string[];
  signal: AbortSignal;
  python: PythonEnv;
  emit: EventSink;
}

/** A run under way: its options and the one memo of file hashes and folder listings its plan and stages share. */
type Running = ExecuteOptions & { memo: HashMemo };

/** Every output a stage names must lie inside its own folder: a `..` or absolute path (from a tool's config) would
 *  put files outside the run and break the cache's verification forever. */
async function hashOutputs(
  stageId: string,
  workDir: string,
  outputs: Record<string, string>,
): Promise<Record<string, OutputRecord>> {
  const records: Record<string, OutputRecord> = {};
  for (const [name, rel] of Object.entries(outputs)) {
    const file = resolve(workDir, rel);
    const inside = relative(workDir, file);
    if (isAbsolute(rel) || inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new StageFailedError(`${stageId}: output ${name} (${rel}) is not inside the stage's folder`);
    }
    records[name] = { path: inside, sha256: await hashPath(file), bytes: await sizeOf(file) };
  }
  return records;
}

/** Where a finished stage's folder waits until the manifest lists it; then it is renamed to <run>/<stage>/, so a
 *  visible stage folder is always one the manifest names, even after a kill -9 between the two. */
const stagedDir = (outDir: string, id: string): string => join(outDir, '.tmp', `${id}.done`);

async function publish(outDir: string, id: string): Promise<void> {
  if (!existsSync(stagedDir(outDir, id))) return;
  await rm(join(outDir, id), { recursive: true, force: true });
  await rename(stagedDir(outDir, id), join(outDir, id));
}

/** Runs one stage in a temp dir; on success its outputs land in the cache and the run dir, on failure nowhere. */
async function runStage(
  stage: Stage,
  d: Decision,
  o: Running,
  upstream: Map<string, StageResult>,
  rec: ManifestStage,
): Promise<StageResult> {
  const workDir = join(o.outDir, '.tmp', `${stage.id}-${randomBytes(4).toString('hex')}`);
  const logFile = join(o.outDir, 'logs', `${stage.id}.log`);
  await mkdir(workDir, { recursive: true });
  await mkdir(join(o.outDir, 'logs'), { recursive: true });
  await writeFile(logFile, `# ${stage.id}: ${d.reason}\n`);
  rec.log = relative(o.outDir, logFile);
  try {
    const result = await stage.run({
      loaded: o.loaded,
      workDir,
      files: d.files ?? {},
      upstream: Object.fromEntries(upstream),
      python: o.python,
      signal: o.signal,
      logFile,
      progress: (message, done, total) => o.emit({ type: 'stage-progress', id: stage.id, message, done, total }),
      warn: (message) => o.emit({ type: 'stage-warning', id: stage.id, message }),
      command: (cmd) => rec.commands.push(cmd),
      listing: (path) => o.memo.listingFor(path, (message) => o.emit({ type: 'stage-warning', id: stage.id, message })),
    });
    if (o.signal.aborted) throw new InterruptedError();
    const outputs = await hashOutputs(stage.id, workDir, result.outputs);
    const staged = stagedDir(o.outDir, stage.id);
    if (result.doNotCache) {
      o.emit({ type: 'stage-warning', id: stage.id, message: `not cached: ${result.doNotCache}` });
      rec.notCached = result.doNotCache;
    }
    if (stage.cacheable && d.key && !result.doNotCache) {
      const entryDir = await o.cache.commit(
        {
          key: d.key,
          stage: stage.id,
          createdAt: new Date().toISOString(),
          outputs,
          data: result.data,
          commands: rec.commands,
        },
        workDir,
        o.force.includes(stage.id),
      ); // --force: the user distrusts the old entry, so it is replaced
      await materialize(join(entryDir, 'files'), staged);
    } else {
      await rm(staged, { recursive: true, force: true });
      await rename(workDir, staged);
    }
    return { id: stage.id, status: 'passed', key: d.key, dir: join(o.outDir, stage.id), outputs, data: result.data };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Link a cache entry's files into the run dir. */
async function fromCache(
  stage: Stage,
  hit: Pick<CacheHit, 'entry' | 'dir'>,
  o: Running,
  rec: ManifestStage,
): Promise<StageResult> {
  await materialize(join(hit.dir, 'files'), stagedDir(o.outDir, stage.id));
  rec.commands = hit.entry.commands;
  return {
    id: stage.id,
    status: 'cached',
    key: hit.entry.key,
    dir: join(o.outDir, stage.id),
    outputs: hit.entry.outputs,
    data: hit.entry.data as Record<string, unknown>,
  };
}

/** Cached: link the entry's files into the run dir. Otherwise run it, holding the key's lease so that runs sharing
 *  the cache (sweep variants, cluster nodes) compute it once: a run that waited finds the entry when it gets the
 *  lease. A missing input fails it. */
async function obtain(
  stage: Stage,
  d: Decision,
  o: Running,
  upstream: Map<string, StageResult>,
  rec: ManifestStage,
): Promise<StageResult> {
  if (d.missing) throw new StageFailedError(d.missing);
  if (d.waitingFor) throw new Error(`engine: ${stage.id} reads an output ${d.waitingFor} did not produce`);
  if (d.hit) return fromCache(stage, d.hit, o, rec);
  if (!stage.cacheable || !d.key) return runStage(stage, d, o, upstream, rec);
  const release = await leaseKey(o.cache.leaseFor(d.key), o.signal, (who) =>
    o.emit({ type: 'stage-progress', id: stage.id, message: `waiting: ${who} is computing this entry` }),
  );
  try {
    const now = o.force.includes(stage.id) ? undefined : await o.cache.lookup(d.key);
    return now?.status === 'hit' ? await fromCache(stage, now, o, rec) : await runStage(stage, d, o, upstream, rec);
  } finally {
    release();
  }
}

interface RunState {
  upstream: Map<string, StageResult>;
  status: 'passed' | 'failed' | 'interrupted';
  internal?: unknown;
}

/** One stage: skip it (a stage it reads failed, or the run was interrupted), leave it off, or obtain it; record all. */
async function step(
  stage: Stage,
  o: Running,
  base: Omit<DecideContext, 'upstream'>,
  state: RunState,
): Promise<ManifestStage> {
  const t0 = Date.now();
  const d: Decision = await decide(stage, { ...base, upstream: state.upstream });
  const rec: ManifestStage = {
    id: stage.id,
    title: stage.title,
    status: 'skipped',
    reason: d.reason,
    key: d.key,
    inputs: d.material,
    outputs: {},
    data: {},
    commands: [],
  };
  let result: StageResult = {
    id: stage.id,
    status: d.action === 'disabled' ? 'disabled' : 'skipped',
    outputs: {},
    data: {},
    reason: d.cause ?? d.reason,
  };
  if (d.action !== 'skipped' && state.status !== 'interrupted' && d.action !== 'disabled') {
    o.emit({ type: 'stage-start', id: stage.id, title: stage.title, reason: d.reason });
    try {
      result = await obtain(stage, d, o, state.upstream, rec);
    } catch (caught) {
      const err = environmentError(caught) ?? caught;
      result = { id: stage.id, status: 'failed', outputs: {}, data: {} };
      if (err instanceof InterruptedError || o.signal.aborted) state.status = 'interrupted';
      else if (state.status === 'passed') state.status = 'failed';
      if (!isKnownError(err) && !o.signal.aborted) state.internal = err;
      rec.error = err instanceof Error ? err.message : String(err);
      rec.detail = (err as { detail?: string }).detail;
      if (err instanceof UserInputError) rec.badInput = true;
    }
  }
  Object.assign(rec, {
    status: result.status,
    durationMs: Date.now() - t0,
    data: result.data,
    outputs: Object.fromEntries(
      Object.entries(result.outputs).map(([k, v]) => [k, { ...v, path: `${stage.id}/${v.path}` }]),
    ),
  });
  state.upstream.set(stage.id, result);
  const ok = succeeded(result.status);
  o.emit({
    type: 'stage-end',
    id: stage.id,
    status: result.status,
    durationMs: ensured(rec.durationMs, `${stage.id} duration`),
    key: d.key,
    error: rec.error ?? (ok ? undefined : d.reason),
    detail: rec.detail,
  });
  return rec;
}

/** The manifest as it stands: written after every stage with the same run-level fields. */
function manifestWriter(o: ExecuteOptions, started: number) {
  const recipe = {
    path: o.loaded.path,
    sha256: sha256Text(readFileSync(o.loaded.path, 'utf8')),
    overrides: o.loaded.overrides,
    resolved: o.loaded.recipe,
  };
  return (status: Manifest['status'], records: ManifestStage[]): Promise<{ manifest: Manifest; path: string }> => {
    const manifest: Manifest = {
      zooforge: VERSION,
      status,
      startedAt: new Date(started).toISOString(),
      finishedAt: status === 'running' ? undefined : new Date().toISOString(),
      recipe,
      python: { executable: o.python.executable },
      tools: o.python.versions,
      preprocessing: PreprocessRecord.safeParse(records.find((r) => r.id === 'preprocess')?.data.record).data,
      stages: records,
    };
    return writeManifest(o.outDir, manifest).then((path) => ({ manifest, path }));
  };
}

/** Every stage folder a run of any recipe can have, and any other id the previous manifest names: a truncated or
 *  hand-edited manifest names nothing, and its run's folders must not outlive it under a new manifest. */
async function clearStageFolders(outDir: string, previous: Manifest | undefined): Promise<void> {
  for (const id of new Set<string>([...STAGE_ORDER, ...(previous?.stages ?? []).map((st) => st.id)])) {
    if (/^[\w-]+$/.test(id)) await rm(join(outDir, id), { recursive: true, force: true }); // stage ids only, never a path
  }
}

/** What runs of this folder that were killed left half-written: the run holds the folder's lock, so its .tmp/ is
 *  theirs; staging beside the manifest and among the kept runs is removed when its writer is dead. */
async function clearStaging(outDir: string): Promise<void> {
  await rm(join(outDir, '.tmp'), { recursive: true, force: true });
  removeStaleStaging(outDir);
  removeStaleStaging(join(outDir, KEPT_DIR));
}

/** Plan, then run every stage in order; dependents of a failed stage are skipped and named. The manifest is written
 *  first (status running) and after every stage, and the previous run's stage folders are cleared before anything
 *  runs: whatever stops this run (even kill -9), manifest.json and the visible folders describe the same run. */
export async function execute(o: ExecuteOptions): Promise<{ manifest: Manifest; path: string }> {
  const started = Date.now();
  const previous = readManifest(o.outDir);
  const memo = new HashMemo();
  const running: Running = { ...o, memo };
  const base = { loaded: o.loaded, cache: o.cache, memo, versions: o.python.versions, force: o.force, previous };
  o.emit({ type: 'plan', stages: await plan(o.stages, base, o.outDir) });
  const records: ManifestStage[] = [];
  await mkdir(o.outDir, { recursive: true });
  await clearStaging(o.outDir);
  const kept = await keepCompleteRun(o.outDir, previous);
  const write = manifestWriter(o, started);
  await write('running', records);
  await clearStageFolders(o.outDir, previous);
  const state: RunState = { upstream: new Map(), status: 'passed' };
  for (const stage of o.stages) {
    records.push(await step(stage, running, base, state));
    await write('running', records);
    await publish(o.outDir, stage.id);
  }
  const { manifest, path } = await write(state.status, records);
  await rm(join(o.outDir, '.tmp'), { recursive: true, force: true });
  const superseded = await dropSupersededCopy(o.outDir, manifest);
  const keptRun = kept && !(superseded && kept === keptRunDir(o.outDir, manifest)) ? kept : undefined;
  o.emit({ type: 'run-end', status: state.status, manifest: path, durationMs: Date.now() - started, kept: keptRun });
  if (state.internal) throw state.internal;
  return { manifest, path };
}

export { MANIFEST_FILE };
