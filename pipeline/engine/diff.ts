import { canonicalJson } from '../cache/key.ts';

/** Dotted paths where two JSON values differ (for "runs because quantize.calibration_type changed"). */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(before) || !isObj(after)) return [prefix || '(value)'];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
}
