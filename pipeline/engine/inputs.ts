import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HashMemo } from '../cache/hash.ts';
import type { KeyMaterial } from '../cache/key.ts';
import type { ToolVersions } from '../tools/python.ts';
import type { Stage, StageInputs, StageResult } from './types.ts';

export type Resolved =
  | { ready: true; material: KeyMaterial; files: Record<string, string> }
  | { ready: false; waitingFor: string }
  /** An upstream stage whose outputs this one reads is disabled, failed or skipped. */
  | { ready: false; blockedBy: StageResult }
  | { ready: false; missing: string };

/** Turn a stage's declared inputs into key material: content hashes for files, versions for tools. */
export async function resolveInputs(
  stage: Stage,
  inputs: StageInputs,
  upstream: ReadonlyMap<string, StageResult>,
  memo: HashMemo,
  versions: ToolVersions,
): Promise<Resolved> {
  // Off or failed upstream first: that decides the stage whatever else it waits for.
  for (const input of Object.values(inputs.files)) {
    const from = 'stage' in input ? upstream.get(input.stage) : undefined;
    if (from && ['disabled', 'failed', 'skipped'].includes(from.status)) return { ready: false, blockedBy: from };
  }
  const fileHashes: Record<string, string> = {};
  const files: Record<string, string> = {};
  for (const [name, input] of Object.entries(inputs.files)) {
    if ('path' in input) {
      if (!existsSync(input.path)) return { ready: false, missing: `input ${name} not found: ${input.path}` };
      files[name] = input.path;
      fileHashes[name] = await memo.hash(input.path);
      continue;
    }
    const from = upstream.get(input.stage);
    const record = from?.outputs[input.output];
    if (!from?.dir || !record) return { ready: false, waitingFor: input.stage };
    files[name] = join(from.dir, record.path);
    fileHashes[name] = record.sha256;
  }
  const tools = {
    ...Object.fromEntries(inputs.tools.map((t) => [t, versions[t] ?? 'absent'])),
    ...inputs.toolVersions,
  };
  return {
    ready: true,
    files,
    material: { stage: stage.id, stageVersion: stage.version, recipe: inputs.recipe, files: fileHashes, tools },
  };
}
