import { BoundedOutput } from '../../process/bounded-output.js';
import { redact } from '../env-allowlist.js';

/** Clips one transcript entry so a single huge tool result cannot crowd out the rest. */
export const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;

/** A bounded, secret-free record of what a CLI agent said and did. */
export class Transcript {
  private readonly output: BoundedOutput;

  constructor(
    limitBytes: number,
    private readonly secrets: readonly string[],
  ) {
    this.output = new BoundedOutput(limitBytes);
  }

  add(entry: string): void {
    this.output.push(Buffer.from(`${this.redact(entry)}\n`));
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  toString(): string {
    return this.output.toString();
  }
}
