import { z } from 'zod';
import { STAGES, WORKERS } from '../stages/index.ts';
import { FASHION_MNIST } from './fashion-mnist.ts';
import { PROTOCOL } from './protocol.ts';
import { TOOL_NAMES } from './tools.ts';

/** The files under zooforge/protocol/contracts/, generated from the zod contracts (npm run contracts writes them; a test
 *  checks they are current). Python reads them; it never spells a field, prefix or tool name of its own. */
export function contractFiles(): Record<string, string> {
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  const files: Record<string, string> = {
    'protocol.json': json({ ...PROTOCOL, tools: TOOL_NAMES, fashion_mnist: FASHION_MNIST }),
  };
  for (const w of WORKERS) {
    files[`${w.name}.json`] = json({
      $comment: `Generated from the ${w.name} worker's zod contract (npm run contracts). Its input and output.`,
      module: `zooforge.workers.${w.name}`,
      input: z.toJSONSchema(w.input, { io: 'output' }),
      output: z.toJSONSchema(w.output, { io: 'output' }),
    });
  }
  return files;
}

/** pipeline/stages/order.ts: the stage ids of STAGES, for what must not load the stages (--help, --until). */
export function orderFile(): string {
  return [
    '// Generated from STAGES in pipeline/stages/index.ts (npm run contracts); a unit test checks it is current.',
    "/** The pipeline's stage ids in order: --help and --until read them without loading any stage. */",
    'export const STAGE_ORDER = [',
    ...STAGES.map((stage) => `  '${stage.id}',`),
    '] as const;',
    '',
    'export type StageId = (typeof STAGE_ORDER)[number];',
    '',
  ].join('\n');
}
