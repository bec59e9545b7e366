import { relative } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';
import { UserInputError } from '../errors.ts';
import { problemsFromZod } from '../recipe/issues.ts';
import { knownKeysOf } from '../recipe/known-keys.ts';
import { dotted, locate } from '../recipe/locate.ts';
import { readUserText, TEXT_LIMITS } from '../tools/read-text.ts';
import { pyyamlValue } from './pyyaml.ts';
import { type HbConfig, HbConfigSchema } from './schema.ts';

/** PyYAML ignores indentation inside a flow collection ({...} / [...]); the YAML 1.2 parser does not (the zoo's
 *  FastViT_T8 closes a node_info map at column 1). Lines inside a flow collection are indented past their block
 *  parent so both read the same thing. Line numbers are unchanged. */
function indentFlowLines(text: string): string {
  let depth = 0;
  let parentIndent = 0;
  return text
    .split('\n')
    .map((line) => {
      const indent = line.length - line.trimStart().length;
      const out =
        depth > 0 && line.trim() && indent <= parentIndent
          ? `${' '.repeat(parentIndent + 2)}${line.trimStart()}`
          : line;
      if (depth === 0) parentIndent = indent;
      let quote = '';
      for (const ch of line) {
        if (quote) {
          if (ch === quote) quote = '';
          continue;
        }
        if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '#') break;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth = Math.max(0, depth - 1);
      }
      return out;
    })
    .join('\n');
}

interface Read {
  value: unknown;
  warnings: string[];
}

/** The document's value as PyYAML (hb_mapper's reader) builds it: plain scalars typed by PyYAML's resolvers, a
 *  repeated key keeps its last value (with a warning naming both lines), a key PyYAML reads as a non-string (an
 *  unquoted `ON:` is the boolean True) is warned about, as hb_mapper would then miss it. */
function asPyYAML(doc: Document, lines: LineCounter, shown: string): Read {
  const warnings: string[] = [];
  const at = (node: Node | null | undefined): number => (node?.range ? lines.linePos(node.range[0]).line : 0);
  const value = (node: unknown, path: string[]): unknown => {
    if (isScalar(node)) return node.type === Scalar.PLAIN ? pyyamlValue(String(node.value)) : node.value;
    if (isSeq(node)) return node.items.map((item, i) => value(item, [...path, String(i)]));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const keyValue = value(pair.key, path);
        const key =
          typeof keyValue === 'boolean' ? (keyValue ? 'True' : 'False') : keyValue === null ? 'None' : String(keyValue);
        if (isScalar(pair.key) && typeof keyValue !== 'string') {
          warnings.push(
            `${shown}:${at(pair.key as Node)}: key ${String((pair.key as Scalar).source ?? key)} under ${path.join('.') || '(top level)'} is read by hb_mapper (PyYAML) as ${JSON.stringify(keyValue)}, not a name: quote it ('${String((pair.key as Scalar).source ?? key)}')`,
          );
        }
        if (seen.has(key))
          warnings.push(
            `${shown}:${at(pair.key as Node)}: ${[...path, key].join('.')} repeats the key of line ${seen.get(key)}: hb_mapper (PyYAML) keeps this last value`,
          );
        seen.set(key, at(pair.key as Node));
        out[key] = value(pair.value, [...path, key]);
      }
      return out;
    }
    return node === null || node === undefined ? null : ((node as { toJSON?: () => unknown }).toJSON?.() ?? null);
  };
  return { value: value(doc.contents, []), warnings };
}

/** An existing hb_mapper makertbin YAML read exactly as hb_mapper reads it (PyYAML, YAML 1.1), then validated;
 *  every problem as file:line:col (exit 2). Warnings (repeated keys, keys that are not names) go to `warn`. */
export function readHbConfig(file: string, warn: (message: string) => void = () => {}): HbConfig {
  const shown = relative(process.cwd(), file) || file;
  const text = readUserText(file, 'hb_mapper config', TEXT_LIMITS.hbConfig);
  const lines = new LineCounter();
  const doc = parseDocument(indentFlowLines(text), {
    lineCounter: lines,
    prettyErrors: false,
    schema: 'failsafe',
    uniqueKeys: false,
  });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lines.linePos(e.pos[0]);
    const why = /call stack/i.test(e.message)
      ? 'nested too deeply to read'
      : e.message.split('\n')[0].replace(/:$/, '');
    throw new UserInputError(`${shown}:${line}:${col}: not readable YAML (as PyYAML reads it): ${why}`);
  }
  const { value: raw, warnings } = asPyYAML(doc, lines, shown);
  for (const w of warnings) warn(w);
  const parsed = HbConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error.issues, raw, knownKeysOf(HbConfigSchema)).map(
      (p) => `${shown}:${locate(doc, lines, p.path, p.atKey)}: ${dotted(p.path) || '(top level)'}: ${p.message}`,
    );
    throw new UserInputError(`${shown}: not an hb_mapper makertbin config:\n${problems.join('\n')}`, problems);
  }
  return parsed.data;
}
