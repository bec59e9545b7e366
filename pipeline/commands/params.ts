import { existsSync, statSync } from 'node:fs';
import { CorruptInputError, UserInputError } from '../errors.ts';
import { countParams } from '../onnx/params.ts';
import { fileKind } from '../tools/file-kind.ts';

export function paramsCommand(file: string | undefined, json: boolean): number {
  if (!file) throw new UserInputError('params: name an .onnx file, e.g. zooforge params model.onnx');
  if (!existsSync(file)) throw new UserInputError(`params: file not found: ${file}`);
  const st = statSync(file);
  if (!st.isFile()) throw new CorruptInputError(`params: ${file} is ${fileKind(st)}, not an ONNX file`);
  const r = countParams(file);
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const lines = [
    `${file}: ${r.total.toLocaleString('en-US')} parameters (${(r.total / 1e6).toFixed(2)} M); ${(r.fileBytes / 1e6).toFixed(1)} MB`,
    `  ${r.initializerElements.toLocaleString('en-US')} in ${r.initializers} initializers, ${r.constants.floatElements.toLocaleString('en-US')} in floating-point Constant nodes`,
    `  (${r.constants.count} Constant nodes hold ${(r.constants.elements - r.constants.floatElements).toLocaleString('en-US')} integer elements too: shapes and axes, not counted)`,
    ...(r.externalInitializers
      ? [`external data: ${r.externalInitializers} initializers in ${r.externalFiles.join(', ')}`]
      : []),
    'by op type:',
    ...Object.entries(r.byOpType)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `  ${op.padEnd(20)} ${n.toLocaleString('en-US').padStart(14)}`),
    'largest:',
    ...r.largest.map(
      (t) => `  ${t.name.padEnd(40)} [${t.dims.join('x')}] ${t.elements.toLocaleString('en-US')} (${t.opType})`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
