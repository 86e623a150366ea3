import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { z } from 'zod';
import { formatZodError } from '../../config/format-zod-error.js';
import { ToolReportError } from './tool-report-error.js';

const MAX_MESSAGE_CHARS = 2_000;
const STACK_FRAME = /^\s*at .+/;

/** Text without colours, cursor moves or hyperlinks (every ANSI/VT control sequence). */
export const stripAnsi = (text: string): string => stripVTControlCharacters(text);

/** A failure message as an agent should read it: no colours, no stack frames, bounded. */
export function cleanMessage(text: string): string {
  const lines = stripAnsi(text)
    .split('\n')
    .filter((line) => !STACK_FRAME.test(line));
  const message = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}

/** A path as the repository knows it, so that worktrees in different places compare equal. */
export function relativeToWorktree(worktree: string, file: string): string {
  const absolute = path.resolve(worktree, file.replace(/^file:\/\//, ''));
  const relative = path.relative(worktree, absolute);
  return relative.startsWith('..') ? absolute : relative;
}

export async function readReportFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ToolReportError(`it wrote no report to ${file}`);
  }
  if (text.trim() === '') throw new ToolReportError(`its report ${file} is empty`);
  return text;
}

/** Parses a JSON report and validates the parts we read; garbage and truncation become ToolReportErrors. */
export function parseJsonReport<S extends z.ZodType>(text: string, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ToolReportError(
      `its ${what} is not valid JSON (garbage or truncated?): ${(err as Error).message}; it starts with ${JSON.stringify(text.slice(0, 120))}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ToolReportError(`its ${what} does not have the expected shape: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
