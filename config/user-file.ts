import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { SwarmError } from '../errors/swarm-error.js';

/** A file the user named that cannot be used as text; the message names the file and the reason. */
export class UserFileError extends SwarmError {
  readonly kind = 'input' as const;
  override name = 'UserFileError';
}

const kindOf = (stats: Stats) =>
  stats.isDirectory()
    ? 'a directory'
    : stats.isFIFO()
      ? 'a FIFO (named pipe)'
      : stats.isCharacterDevice()
        ? 'a character device'
        : stats.isBlockDevice()
          ? 'a block device'
          : stats.isSocket()
            ? 'a socket'
            : 'not a regular file';

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

/**
 * Reads a text file the user named (a config file, a task description): only a regular file, at
 * most `maxBytes`, valid UTF-8 without NUL bytes. Opening never blocks (a FIFO is refused, not
 * waited on) and nothing beyond `maxBytes + 1` is ever read (so /dev/zero cannot exhaust memory).
 */
export function readUserTextFile(file: string, options: { maxBytes: number }): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  let buffer: Buffer;
  let length = 0;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new UserFileError(`${file} is ${kindOf(stats)}, not a regular file`);
    if (stats.size > options.maxBytes)
      throw new UserFileError(`${file} is ${kib(stats.size)}, more than the ${kib(options.maxBytes)} allowed`);
    buffer = Buffer.alloc(options.maxBytes + 1);
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
  } finally {
    closeSync(fd);
  }
  if (length > options.maxBytes) throw new UserFileError(`${file} is more than the ${kib(options.maxBytes)} allowed`);
  const bytes = buffer.subarray(0, length);
  if (bytes.includes(0)) throw new UserFileError(`${file} contains NUL bytes: it is binary, not text`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UserFileError(`${file} is not valid UTF-8 text`);
  }
}
