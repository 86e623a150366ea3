/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line: a
 * longer line is cut there and reported as oversized, and its rest is skipped up to the newline.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string, oversized: boolean) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, newline));
      this.emit();
      start = newline + 1;
    }
    this.append(chunk.subarray(start));
  }

  /** Emits a last line that had no newline (a stream cut off mid-line). */
  end(): void {
    if (this.pendingBytes > 0 || this.skipping) this.emit();
  }

  private append(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    const room = this.maxLineBytes - this.pendingBytes;
    if (part.length > room) {
      this.pending.push(part.subarray(0, room));
      this.pendingBytes += room;
      this.skipping = true;
      return;
    }
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private emit(): void {
    const line = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
    const oversized = this.skipping;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
    this.onLine(line, oversized);
  }
}
