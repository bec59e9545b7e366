import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Recipe } from '../recipe/schema.ts';

export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false; // not in this PATH entry (or not executable): keep looking
    }
  });
}

/** quantize.backend auto -> horizon where the toolchain is reachable (hb_mapper on PATH, a command prefix, or
 *  docker for the configured image), else the embedded ort backend. Says which, and why. */
export function resolveBackend(recipe: Recipe): string {
  const q = recipe.quantize;
  if (q.backend !== 'auto') return `backend ${q.backend} (recipe)`;
  const why =
    q.toolchain.command.length > 0
      ? 'quantize.toolchain.command is set'
      : q.toolchain.docker_image && onPath('docker')
        ? `docker and ${q.toolchain.docker_image}`
        : onPath('hb_mapper')
          ? 'hb_mapper is on PATH'
          : undefined;
  q.backend = why ? 'horizon' : 'ort';
  return `backend auto -> ${q.backend} (${why ?? 'no hb_mapper on PATH, no toolchain image or command'})`;
}
