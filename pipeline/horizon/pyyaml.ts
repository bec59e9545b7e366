import { hasControl } from '../text/one-line.ts';

/** PyYAML's implicit resolvers (YAML 1.1, as in PyYAML's resolver.py): hb_mapper reads its config with PyYAML, so
 *  a plain scalar such as `ON`, `yes`, `0123`, `1:30`, `~` or `=` reaches the tool as a bool, an int, None or a tag,
 *  never as the string we meant. */
const RESOLVERS: [string, RegExp][] = [
  ['bool', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  [
    'float',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  ],
  [
    'int',
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  ],
  ['merge', /^<<$/],
  ['null', /^(?:~|null|Null|NULL|)$/],
  [
    'timestamp',
    /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  ],
  ['value', /^=$/],
  ['yaml', /^[!&*]$/],
];

/** The type PyYAML gives `text` written as a plain scalar: 'str' when no implicit resolver matches. */
export function pyyamlPlainType(text: string): string {
  return RESOLVERS.find(([, re]) => re.test(text))?.[0] ?? 'str';
}

/** A JS number in a form PyYAML resolves to the same number: its float pattern wants a '.' and a signed exponent
 *  (`1e-7` would be the string '1e-7'). */
export function pyyamlNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exponent] = String(n).split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? m : `${m}e${/^[-+]/.test(exponent) ? exponent : `+${exponent}`}`;
}

/** A string that can be written plain and still reads back as itself: no indicator first, no `: ` or ` #`,
 *  no edge spaces or line breaks, and no implicit type. */
function plainSafe(text: string): boolean {
  return (
    text !== '' &&
    !/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(text) &&
    !/[\s]$/.test(text) &&
    !/: |:$| #|[\n\r\t]/.test(text) &&
    !hasControl(text) &&
    pyyamlPlainType(text) === 'str'
  );
}

/** A scalar as PyYAML will read it: strings plain where that is safe, else double-quoted (JSON's escapes are
 *  YAML's); numbers in PyYAML's forms. */
function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return pyyamlNumber(v);
  const text = String(v);
  return plainSafe(text) ? text : JSON.stringify(text);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function emit(v: unknown, indent: string): string[] {
  if (isMap(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return ['{}'];
    return entries.flatMap(([k, x]) => {
      const nested = (isMap(x) && Object.keys(x).length > 0) || (Array.isArray(x) && x.length > 0);
      return nested
        ? [`${indent}${scalar(k)}:`, ...emit(x, `${indent}  `)]
        : [`${indent}${scalar(k)}: ${emit(x, '')[0]}`];
    });
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return ['[]'];
    return v.flatMap((x) => {
      const lines = emit(x, `${indent}  `);
      return (isMap(x) || Array.isArray(x)) && lines.length > 0 && lines[0] !== '{}' && lines[0] !== '[]'
        ? [`${indent}- ${lines[0].trimStart()}`, ...lines.slice(1)]
        : [`${indent}- ${lines[0].trimStart()}`];
    });
  }
  return [scalar(v)];
}

/** YAML text that PyYAML loads to exactly `value` (hb_mapper reads its config with PyYAML's YAML 1.1 rules):
 *  every string PyYAML would resolve to another type is quoted, keys included (`"ON": BPU`), and numbers are
 *  written in PyYAML's own float/int forms. Block style, like the zoo's own files. */
export function stringifyForPyYAML(value: unknown): string {
  return `${emit(value, '').join('\n')}\n`;
}

/** A plain scalar's value as PyYAML constructs it (SafeLoader): ints in every base PyYAML reads (0b, 0 octal, 0x,
 *  sexagesimal, `_` separators), floats, bools, None; timestamps stay text (no hb_mapper field holds one). */
export function pyyamlValue(text: string): unknown {
  const type = pyyamlPlainType(text);
  const sexagesimal = (t: string): number => {
    const sign = t.startsWith('-') ? -1 : 1;
    return (
      sign *
      t
        .replace(/^[-+]/, '')
        .split(':')
        .reduce((acc, part) => acc * 60 + Number(part), 0)
    );
  };
  if (type === 'bool') return /^(?:yes|true|on)$/i.test(text);
  if (type === 'null') return null;
  if (type === 'int') {
    const t = text.replace(/_/g, '');
    const sign = t.startsWith('-') ? -1 : 1;
    const body = t.replace(/^[-+]/, '');
    if (body.includes(':')) return sexagesimal(t);
    if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
    if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
    if (body.length > 1 && body.startsWith('0')) return sign * parseInt(body, 8);
    return sign * parseInt(body, 10);
  }
  if (type === 'float') {
    const t = text.replace(/_/g, '').toLowerCase();
    if (t.endsWith('.inf')) return t.startsWith('-') ? -Infinity : Infinity;
    if (t === '.nan') return NaN;
    return t.includes(':') ? sexagesimal(t) : Number(t);
  }
  return text;
}
