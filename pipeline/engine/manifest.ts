import type { PreprocessRecord } from '../contracts/common.ts';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyMaterial } from '../cache/key.ts';
import type { OutputRecord } from '../cache/store.ts';
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
  /** Output files, paths relative to the run dir. */
  outputs: Record<string, OutputRecord>;
  data: Record<string, unknown>;
  commands: string[];
  log?: string;
  error?: string;
  detail?: string;
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

export function readManifest(outDir: string): Manifest | undefined {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // an unreadable old manifest only loses the "because" detail
    throw err;
  }
}

/** Atomic: written beside, then renamed over the old one. */
export async function writeManifest(outDir: string, manifest: Manifest): Promise<string> {
  const path = join(outDir, MANIFEST_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2));
  await rename(tmp, path);
  return path;
}
