import type { z } from 'zod';

/** One line per problem, each naming the offending field: `priority: Invalid option: expected one of ...`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(input)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
