import { z } from 'zod';
import { FASHION_MNIST } from './fashion-mnist.ts';
import { PROTOCOL } from './protocol.ts';
import { TOOL_NAMES } from './tools.ts';
import { WORKERS } from './workers.ts';

/** The files under scripts/zf/contracts/, generated from the zod contracts (npm run contracts writes them; a test
 *  checks they are current). Python reads them; it never spells a field, prefix or tool name of its own. */
export function contractFiles(): Record<string, string> {
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  const files: Record<string, string> = {
    'protocol.json': json({ ...PROTOCOL, tools: TOOL_NAMES, fashion_mnist: FASHION_MNIST }),
  };
  for (const [name, w] of Object.entries(WORKERS)) {
    files[`${name}.json`] = json({
      $comment: `Generated from pipeline/contracts/workers.ts (npm run contracts). The ${name} worker's input and output.`,
      module: `workers.${name}`,
      input: z.toJSONSchema(w.input, { io: 'output' }),
      output: z.toJSONSchema(w.output, { io: 'output' }),
    });
  }
  return files;
}
