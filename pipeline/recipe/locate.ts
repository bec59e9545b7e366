import { type Document, isMap, isSeq, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

/** line:col (1-based) of the YAML node at `path`, or of its deepest existing ancestor. */
export function locate(doc: Document, lines: LineCounter, path: readonly PathSegment[], keyOnly = false): string {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      const last = i === path.length - 1;
      // An unknown key, or a value that is absent (`key:`), is best shown at the key itself.
      offset = (last && keyOnly) || !valueNode?.range ? (keyNode?.range?.[0] ?? offset) : valueNode.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

export function dotted(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
