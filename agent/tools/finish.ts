import { z } from 'zod';
import { defineTool } from './tool.js';

export const finishTool = defineTool({
  name: 'finish',
  description:
    'Call once when you are done: with success true after completing the task, or success false when it cannot be done. ' +
    'Give a short summary of what you changed and why (or what stands in the way).',
  input: z.object({
    summary: z
      .string()
      .trim()
      .min(1)
      .max(4_000)
      .describe('one or two sentences: what was changed, or why it could not be'),
    success: z.boolean().default(true).describe('false when the task could not be completed'),
  }),
  async run({ summary, success }) {
    return { ok: true, output: 'finished', finished: { summary, success } };
  },
});
