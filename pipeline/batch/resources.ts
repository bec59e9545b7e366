import type { TaskResources } from '../contracts/cluster.ts';
import type { Stage } from '../engine/types.ts';
import type { LoadedRecipe } from '../recipe/load.ts';

const DEFAULT = { cpus: 1, memoryMb: 1024 };

/** A task runs every stage of its run in turn, so it asks for the largest need of the stages that will run (the
 *  horizon stage's hb_mapper resource only when the recipe builds a .bin). */
export function taskResources(stages: readonly Stage[], loaded: LoadedRecipe): TaskResources {
  const on = stages.filter((s) => !s.disabledBecause?.(loaded));
  const custom: Record<string, number> = {};
  for (const s of on)
    for (const [k, v] of Object.entries(s.resources?.custom ?? {})) custom[k] = Math.max(custom[k] ?? 0, v);
  return {
    num_cpus: Math.max(DEFAULT.cpus, ...on.map((s) => s.resources?.cpus ?? DEFAULT.cpus)),
    memory_mb: Math.max(DEFAULT.memoryMb, ...on.map((s) => s.resources?.memoryMb ?? DEFAULT.memoryMb)),
    custom,
  };
}
