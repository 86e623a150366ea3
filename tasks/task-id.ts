import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Short, typeable, roughly time-ordered ids: 6 chars of seconds since 2024 + 4 random. */
export function newTaskId(now: Date = new Date()): string {
  const seconds = Math.floor((now.getTime() - Date.UTC(2024, 0, 1)) / 1000);
  const time = seconds.toString(36).padStart(6, '0').slice(-6);
  const random = [...randomBytes(4)].map((b) => ALPHABET[b % 36]).join('');
  return time + random;
}
