import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError(`cannot key non-finite number ${value}`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What a stage's output depends on. Paths and mtimes are deliberately absent. */
export interface KeyMaterial {
  stage: string;
  stageVersion: number;
  recipe: unknown;
  /** logical input name -> sha256 of the file's (or dataset's) content */
  files: Record<string, string>;
  /** tool name -> version string */
  tools: Record<string, string>;
}

/** The full 64-hex sha256 over canonical JSON of everything that can change the output. */
export function cacheKey(material: KeyMaterial): string {
  return sha256Text(canonicalJson(material));
}
