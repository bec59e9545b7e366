import { dirname, relative, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument, parse as parseYamlValue } from 'yaml';
import { UserInputError } from '../errors.ts';
import { oneLine } from '../text/one-line.ts';
import { readUserText, TEXT_LIMITS } from '../tools/read-text.ts';
import { problemsFromZod, type RecipeProblem } from './issues.ts';
import { knownKeysOf } from './known-keys.ts';
import { dotted, locate, type PathSegment } from './locate.ts';
import { checkRules } from './rules.ts';
import { type Recipe, RecipeSchema } from './schema.ts';

export interface LoadedRecipe {
  recipe: Recipe;
  /** Absolute path of the recipe file. */
  path: string;
  /** Folder that relative paths in the recipe are resolved against. */
  dir: string;
  /** `--set` overrides applied, as given. */
  overrides: string[];
  /** How quantize.backend was decided (auto resolves to horizon or ort), when the caller asked. */
  backendNote?: string;
  /** Where a field is written, for messages: `recipe.yaml:12:5`, or `recipe.yaml (--set)`. */
  where(path: readonly PathSegment[]): string;
}

export interface LoadOptions {
  /** Resolve backend auto against this machine before the cross-field rules run (a run does; printing configs does not). */
  resolveBackend?: (recipe: Recipe) => string;
}

function parseOverride(text: string): { path: PathSegment[]; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserInputError(`(--set) ${text}: expected key.path=value, e.g. quantize.calibration_type=kl`);
  const path = text
    .slice(0, eq)
    .split('.')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (path.some((s) => s === '')) throw new UserInputError(`(--set) ${text}: empty segment in the key path`);
  try {
    return { path, value: parseYamlValue(text.slice(eq + 1)) };
  } catch (err) {
    throw new UserInputError(`(--set) ${text}: the value is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Apply one override to the document; a path through a scalar (calibration.count.x) is the user's mistake. */
export function applyOverride(doc: Document, text: string): PathSegment[] {
  const { path: keyPath, value } = parseOverride(text);
  try {
    if (value === null)
      doc.deleteIn(keyPath); // --set key=null (or key=) removes the field: back to its default
    else doc.setIn(keyPath, doc.createNode(value)); // a YAML node, so a later --set can reach inside it
  } catch (err) {
    throw new UserInputError(
      `(--set) ${text}: cannot set ${dotted(keyPath)}: ${(err as Error).message.split('\n')[0]} (a part of the path is not a mapping)`,
    );
  }
  return keyPath;
}

/** Where the recipe's value cannot be a recipe's: an alias that contains itself, or nesting deeper than MAX_DEPTH
 *  (a YAML alias bomb or a hand-made monster); every later step (keys, JSON) would overflow the stack on it. */
const MAX_DEPTH = 64;
function structureProblem(
  value: unknown,
  path: PathSegment[] = [],
  open = new Set<object>(),
): { path: PathSegment[]; message: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (open.has(value)) return { path, message: 'the value contains itself (a YAML alias inside its own anchor)' };
  if (path.length >= MAX_DEPTH) return { path, message: `nested more than ${MAX_DEPTH} levels deep` };
  open.add(value);
  for (const [k, v] of Object.entries(value)) {
    const found = structureProblem(v, [...path, Array.isArray(value) ? Number(k) : k], open);
    if (found) return found;
  }
  open.delete(value);
  return undefined;
}

/** The document's value; YAML whose aliases expand past the parser's limit is the user's mistake, not ours. */
function documentValue(doc: Document, shown: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (err) {
    if (err instanceof RangeError || /alias/i.test((err as Error).message)) {
      throw new UserInputError(
        `${shown}: the recipe's YAML cannot be expanded: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    throw err;
  }
}

/** The YAML parser recurses once per nesting level: thousands of levels overflow its stack. */
function parseRecipeDocument(text: string, lines: LineCounter, shown: string): Document {
  try {
    return parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    if (err instanceof RangeError) throw new UserInputError(`${shown}: nested too deeply to read (${err.message})`);
    throw err;
  }
}

/** Parse, override, validate and check a recipe; every problem is reported at once as file:line:col. */
export function loadRecipe(file: string, overrides: string[] = [], options: LoadOptions = {}): LoadedRecipe {
  const path = resolve(file);
  // one line per problem even when the file's name holds a newline or an escape sequence
  const shown = oneLine(relative(process.cwd(), path) || path);
  const lines = new LineCounter();
  const doc = parseRecipeDocument(readUserText(path, 'recipe', TEXT_LIMITS.recipe), lines, shown);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      const message = /call stack/i.test(e.message) ? 'nested too deeply to read' : e.message.split('\n')[0];
      return `${shown}:${line}:${col}: ${message}`;
    });
    throw new UserInputError(problems.join('\n'), problems);
  }
  const fromSet = new Set<string>();
  for (const o of overrides) fromSet.add(dotted(applyOverride(doc, o)));
  const input = documentValue(doc, shown);
  const where = (path: readonly PathSegment[], atKey?: boolean): string =>
    path.some((_, i) => fromSet.has(dotted(path.slice(0, i + 1))))
      ? `${shown} (--set)`
      : `${shown}:${locate(doc, lines, path, atKey)}`;
  const format = (p: RecipeProblem): string =>
    `${where(p.path, p.atKey)}: ${dotted(p.path) || '(top level)'}: ${p.message}`;

  const bad = structureProblem(input);
  if (bad) throw new UserInputError(`${where(bad.path)}: ${dotted(bad.path) || '(top level)'}: ${bad.message}`);
  const parsed = RecipeSchema.safeParse(input);
  // The rules must see the backend that will actually run (auto -> ort or horizon).
  const backendNote = parsed.success ? options.resolveBackend?.(parsed.data) : undefined;
  const problems = parsed.success
    ? checkRules(parsed.data, dirname(path))
    : problemsFromZod(parsed.error.issues, input, knownKeysOf(RecipeSchema));
  if (problems.length > 0) {
    const position = (m: string): number[] =>
      m
        .match(/:(\d+):(\d+): /)
        ?.slice(1)
        .map(Number) ?? [0, 0];
    const messages = problems
      .map(format)
      .sort((a, b) => position(a)[0] - position(b)[0] || position(a)[1] - position(b)[1]);
    throw new UserInputError(messages.join('\n'), messages);
  }
  return { recipe: parsed.data as Recipe, path, dir: dirname(path), overrides, backendNote, where: (p) => where(p) };
}

/** Resolve a path written in a recipe (relative to the recipe's folder). */
export function recipePath(loaded: LoadedRecipe, p: string): string {
  return resolve(loaded.dir, p);
}
