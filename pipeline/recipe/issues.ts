import type { z } from 'zod';
import { didYouMean } from '../text/suggest.ts';
import type { PathSegment } from './locate.ts';

/** A recipe problem before it is given a file position. */
export interface RecipeProblem {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = root;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}

/** zod issues -> problems with hb_mapper-style wording: `expected one of a|b, got "x"`. */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  knownKeys: (path: PathSegment[]) => string[] = () => [],
): RecipeProblem[] {
  const out: RecipeProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    const got = describeValue(valueAt(input, path));
    switch (issue.code) {
      case 'invalid_value':
        out.push({ path, message: `expected one of ${issue.values.map(String).join('|')}, got ${got}` });
        break;
      case 'invalid_type':
        out.push({
          path,
          message:
            got === 'nothing'
              ? `required field is missing (expected ${issue.expected})`
              : `expected ${issue.expected}, got ${got}`,
        });
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys)
          out.push({ path: [...path, key], message: `unknown field${didYouMean(key, knownKeys(path))}`, atKey: true });
        break;
      case 'invalid_union':
        out.push(...unionProblems(issue.errors, path, valueAt(input, path), got));
        break;
      case 'too_small':
        out.push({
          path,
          message: `expected ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}, got ${got}`,
        });
        break;
      case 'too_big':
        out.push({
          path,
          message: `expected ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}, got ${got}`,
        });
        break;
      default:
        out.push({ path, message: `${issue.message}, got ${got}` });
    }
  }
  return out;
}

/**
 * A union of one-key forms ({fashion_mnist: ...} | {folder: ...}): when the value picks a form, report that
 * form's own problems at their full paths; otherwise list the forms.
 */
function unionProblems(
  branches: readonly (readonly z.core.$ZodIssue[])[],
  path: PathSegment[],
  value: unknown,
  got: string,
): RecipeProblem[] {
  const perBranch = branches.map((errs) => problemsFromZod(errs, value));
  // (keys in a union's forms are not suggested: which form was meant is the question there)
  const isShapeMiss = (p: RecipeProblem): boolean =>
    p.path.length === 1 && (p.message.startsWith('unknown field') || p.message.startsWith('required field is missing'));
  const matching = perBranch.filter((ps) => !ps.some(isShapeMiss));
  if (matching.length === 1) return matching[0].map((p) => ({ ...p, path: [...path, ...p.path] }));
  const forms = perBranch.flatMap((ps) =>
    ps.filter((p) => p.path.length === 1 && p.message.startsWith('required')).map((p) => String(p.path[0])),
  );
  const expected =
    forms.length > 0 ? `expected one of ${[...new Set(forms)].join('|')}` : 'matches none of the allowed forms';
  return [
    {
      path,
      message: `${expected}, got ${got === 'a mapping' && value && typeof value === 'object' ? `{${Object.keys(value).join(', ')}}` : got}`,
    },
  ];
}
