import { join } from 'node:path';
import type { HashMemo } from '../cache/hash.ts';
import { cacheKey, type KeyMaterial } from '../cache/key.ts';
import type { CacheEntry, CacheStore } from '../cache/store.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import type { ToolVersions } from '../tools/python.ts';
import { changedPaths } from './diff.ts';
import type { PlannedStage } from './events.ts';
import { resolveInputs } from './inputs.ts';
import type { Manifest } from './manifest.ts';
import type { Stage, StageResult } from './types.ts';

export interface Decision {
  action: 'cached' | 'run' | 'disabled' | 'skipped';
  reason: string;
  /** For a stage that is off: the recipe's reason at the root of the chain (what a reader of this stage is told). */
  cause?: string;
  key?: string;
  material?: KeyMaterial;
  files?: Record<string, string>;
  hit?: { entry: CacheEntry; dir: string };
  /** An input file that does not exist: the stage fails with this message. */
  missing?: string;
  /** An upstream stage that has not run yet (in a plan); at run time, an engine bug. */
  waitingFor?: string;
}

export interface DecideContext {
  loaded: LoadedRecipe;
  cache: CacheStore;
  memo: HashMemo;
  versions: ToolVersions;
  force: readonly string[];
  previous?: Manifest;
  upstream: ReadonlyMap<string, StageResult>;
}

/** Why a stage must run, by comparing its key material with the previous run's. */
function whyRun(stage: Stage, material: KeyMaterial, previous?: Manifest): string {
  const last = previous?.stages.find((s) => s.id === stage.id);
  if (last?.notCached) return `runs again: its last result was not cached (${last.notCached})`;
  const before = last?.inputs;
  if (!before) return 'no cached result';
  const reasons: string[] = [];
  if (before.stageVersion !== material.stageVersion)
    reasons.push(`stage version ${before.stageVersion} -> ${material.stageVersion}`);
  reasons.push(...changedPaths(before.recipe, material.recipe).map((p) => `${p} changed`));
  reasons.push(...changedPaths(before.files, material.files).map((p) => `input ${p} changed`));
  for (const p of changedPaths(before.tools, material.tools)) {
    // a tool the stage keys now and the last run did not key (blas, since this round)
    const was = (before.tools as Record<string, string | undefined>)[p] ?? '(not in the last key)';
    reasons.push(`${p} ${was} -> ${String(material.tools[p])}`);
  }
  return reasons.length > 0 ? `runs because ${reasons.join(', ')}` : 'no cached result (cache entry removed)';
}

/** A stage reading the outputs of a stage that is off is off too, and says why; one reading a failed or skipped stage
 *  is skipped. */
function blocked(from: StageResult): Decision {
  // the root cause, not a chain of "it reads x, which is off (it reads y, …)"
  if (from.status === 'disabled')
    return {
      action: 'disabled',
      reason: `it reads ${from.id}, which is off (${from.reason ?? 'disabled'})`,
      cause: from.reason,
    };
  return {
    action: 'skipped',
    reason: `skipped because ${from.id} ${from.status === 'failed' ? 'failed' : 'was skipped'}`,
  };
}

/** Decide one stage: cached (verified), or run and why. Reads, never writes. */
export async function decide(stage: Stage, ctx: DecideContext): Promise<Decision> {
  const off = stage.disabledBecause?.(ctx.loaded);
  if (off) return { action: 'disabled', reason: off, cause: off };
  const resolved = await resolveInputs(
    stage,
    await stage.inputs({ loaded: ctx.loaded }),
    ctx.upstream,
    ctx.memo,
    ctx.versions,
  );
  if ('missing' in resolved)
    return { action: 'run', reason: `cannot run: ${resolved.missing}`, missing: resolved.missing };
  if ('blockedBy' in resolved) return blocked(resolved.blockedBy);
  if (!resolved.ready)
    return { action: 'run', reason: `runs after ${resolved.waitingFor}`, waitingFor: resolved.waitingFor };
  const key = cacheKey(resolved.material);
  const base = { key, material: resolved.material, files: resolved.files };
  if (!stage.cacheable)
    return { ...base, action: 'run', reason: `not cached: ${stage.uncachedBecause ?? 'its inputs cannot be keyed'}` };
  if (ctx.force.includes(stage.id)) return { ...base, action: 'run', reason: 'forced (--force)' };
  const found = await ctx.cache.lookup(key);
  if (found.status === 'hit')
    return { ...base, action: 'cached', reason: `cached (key ${key.slice(0, 12)}…)`, hit: found };
  if (found.status === 'corrupt')
    return { ...base, action: 'run', reason: `cache entry corrupt (${found.reason}); re-running` };
  return { ...base, action: 'run', reason: whyRun(stage, resolved.material, ctx.previous) };
}

/** The pure plan: what would happen, stage by stage, assuming cached stages' outputs. */
export async function plan(
  stages: readonly Stage[],
  ctx: Omit<DecideContext, 'upstream'>,
  outDir: string,
): Promise<PlannedStage[]> {
  const upstream = new Map<string, StageResult>();
  const out: PlannedStage[] = [];
  for (const stage of stages) {
    const d = await decide(stage, { ...ctx, upstream });
    const said = d.hit && stage.describe?.(d.hit.entry.data as Record<string, unknown>);
    out.push({
      id: stage.id,
      title: stage.title,
      action: d.action,
      reason: said ? `${d.reason}: ${said}` : d.reason,
      key: d.key,
    });
    if (d.hit) {
      upstream.set(stage.id, {
        id: stage.id,
        status: 'cached',
        key: d.key,
        dir: join(outDir, stage.id),
        outputs: d.hit.entry.outputs,
        data: d.hit.entry.data as Record<string, unknown>,
      });
    } else if (d.action === 'disabled') {
      upstream.set(stage.id, { id: stage.id, status: 'disabled', outputs: {}, data: {}, reason: d.cause });
    }
  }
  return out;
}
