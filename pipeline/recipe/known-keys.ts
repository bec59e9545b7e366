import { z } from 'zod';
import type { PathSegment } from './locate.ts';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
};

/** A schema and every form of the unions in it. */
const forms = (s: JsonSchema): JsonSchema[] => [
  s,
  ...(s.anyOf ?? []).flatMap(forms),
  ...(s.oneOf ?? []).flatMap(forms),
];

/** The schemas a path can lead to: through properties, list items, map values and every form of a union. */
function step(schemas: JsonSchema[], seg: PathSegment): JsonSchema[] {
  return schemas.flatMap(forms).flatMap((s) => {
    if (typeof seg === 'number') return s.items ? [s.items] : [];
    const prop =
      s.properties?.[seg] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    return prop ? [prop] : [];
  });
}

/** The field names a schema allows at a path (for "did you mean" on an unknown field). */
export function knownKeysOf(schema: z.ZodType): (path: PathSegment[]) => string[] {
  let root: JsonSchema | undefined;
  return (path) => {
    root ??= z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const at = path.reduce<JsonSchema[]>((schemas, seg) => step(schemas, seg), [root]);
    return [...new Set(at.flatMap(forms).flatMap((s) => Object.keys(s.properties ?? {})))];
  };
}
