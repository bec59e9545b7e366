import { existsSync, readFileSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyMaterial } from '../cache/key.ts';
import type { OutputRecord } from '../cache/store.ts';
import type { PreprocessRecord } from '../contracts/common.ts';
import { EnvironmentError } from '../errors.ts';
import { notRegular } from '../tools/file-kind.ts';
import { LOCK_FILE, liveOwner } from '../tools/lockfile.ts';
import type { StageStatus } from './types.ts';

export interface ManifestStage {
  id: string;
  title: string;
  status: StageStatus;
  reason: string;
  key?: string;
  durationMs?: number;
  /** Everything the key was computed from: recipe slice, input content hashes, tool versions, stage version. */
  inputs?: KeyMaterial;
  /** Why this result was not cached though the stage is (e.g. timings on a busy machine): the next plan says so. */
  notCached?: string;
  /** Output files, paths relative to the run dir. */
  outputs: Record<string, OutputRecord>;
  data: Record<string, unknown>;
  commands: string[];
  log?: string;
  error?: string;
  detail?: string;
  /** The stage refused the recipe's input (a UserInputError): the run exits 2, as for a bad recipe. */
  badInput?: boolean;
}

export interface Manifest {
  zooforge: string;
  /** running: the run has not finished (or was killed): the stages listed are the ones done so far. */
  status: 'running' | 'passed' | 'failed' | 'interrupted';
  recipe: { path: string; sha256: string; overrides: string[]; resolved: unknown };
  startedAt: string;
  finishedAt?: string;
  python: { executable: string };
  tools: Record<string, string | null>;
  /** The one preprocessing record every image-consuming stage used (the preprocess stage's output). */
  preprocessing?: PreprocessRecord;
  stages: ManifestStage[];
}

export const MANIFEST_FILE = 'manifest.json';

/** Enough of a manifest's shape for the engine to trust its stage list (a hand-edited or truncated one may be anything). */
function looksLikeManifest(value: unknown): value is Manifest {
  const m = value as Manifest | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.status === 'string' &&
    Array.isArray(m.stages) &&
    m.stages.every(
      (st) =>
        typeof st === 'object' &&
        st !== null &&
        typeof st.id === 'string' &&
        typeof st.status === 'string' &&
        typeof st.outputs === 'object' &&
        st.outputs !== null,
    )
  );
}

/** The run folder's manifest, or undefined when there is none or it cannot be read as one (truncated, hand-edited):
 *  an unreadable manifest describes nothing, and the next run clears every stage folder it could have listed. */
export function readManifest(outDir: string): Manifest | undefined {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  const odd = notRegular(statSync(path));
  if (odd) throw new EnvironmentError(`${path}: ${odd}: move it away so the run can write its manifest`);
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return looksLikeManifest(value) ? value : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** A run that wrote its report: the user's work product, which only a complete run of the same variant replaces. */
export const isCompleteRun = (m: Manifest | undefined): m is Manifest =>
  m?.status === 'passed' && m.stages.some((st) => st.id === 'report' && st.status === 'passed');

/** Atomic: written beside, then renamed over the old one. */
export async function writeManifest(outDir: string, manifest: Manifest): Promise<string> {
  const path = join(outDir, MANIFEST_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2));
  await rename(tmp, path);
  return path;
}

/** A run that was killed while `running` (its lock is free, its manifest unfinished) was interrupted: say so, so
 *  that an interruption reads the same whether the run could record it itself or not. */
export async function recordInterrupted(outDir: string): Promise<void> {
  if (liveOwner(join(outDir, LOCK_FILE))) return; // still running: it records its own end
  const manifest = readManifest(outDir);
  if (manifest?.status !== 'running') return;
  await writeManifest(outDir, { ...manifest, status: 'interrupted', finishedAt: new Date().toISOString() });
}
