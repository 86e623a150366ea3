/**
 * Size caps for stored text. A capped text keeps its first bytes (cut on a character boundary) and
 * says what was cut: `…[truncated: 10485760 bytes, kept 262144]`. JSON is capped inside the value,
 * string by string, so what is stored always parses.
 */

export const truncationMarker = (totalBytes: number, keptBytes: number) =>
  `…[truncated: ${totalBytes} bytes, kept ${keptBytes}]`;

/** Room a marker needs; a string is only cut where cutting saves more than this. */
const MARKER_ROOM = 64;

/** The first at most `maxBytes` UTF-8 bytes of `text`, never splitting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  // The first maxBytes UTF-16 units encode to at least maxBytes bytes: encode no more than those.
  const head = Buffer.from(text.slice(0, maxBytes), 'utf8');
  if (head.length <= maxBytes) return head.toString('utf8');
  let end = maxBytes;
  // A continuation byte (10xxxxxx) at the cut means the cut is inside a character: drop that character.
  while (end > 0 && (head[end]! & 0xc0) === 0x80) end--;
  return head.subarray(0, end).toString('utf8');
}

const MARKER_AT_END = /…\[truncated: (\d+) bytes, kept \d+\]$/;

/**
 * `text` if it fits in `maxBytes`, else its first `maxBytes` bytes and the marker. `totalBytes` is the
 * size of the text `text` is the start of (default: `text` itself); a text capped before is capped
 * again with its original size.
 */
export function capText(text: string, maxBytes: number, totalBytes?: number): string {
  // Cheap exit first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (totalBytes === undefined && text.length * 3 <= maxBytes) return text;
  let total = totalBytes ?? Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const earlier = MARKER_AT_END.exec(text);
  if (earlier && totalBytes === undefined) {
    text = text.slice(0, earlier.index);
    total = Number(earlier[1]);
  }
  const kept = utf8Prefix(text, maxBytes);
  return kept + truncationMarker(total, Buffer.byteLength(kept, 'utf8'));
}

/** Applies `f` to every string in plain objects and arrays (keys stay). */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}

/**
 * `JSON.stringify(value)` within `maxBytes`: every string is capped at `maxStringBytes`; if the whole
 * is still too large, every string is capped at the largest length that fits (a binary search). The
 * structure itself is never cut, so a value whose keys, numbers and short strings alone exceed the
 * cap is stored over it.
 */
export function capJson(value: unknown, maxBytes: number, maxStringBytes: number): string {
  const capString = (s: string, limit: number): string => {
    if (s.length * 3 <= limit) return s;
    const bytes = Buffer.byteLength(s, 'utf8');
    // Below the per-string cap, cut only where the cut saves more than the marker adds.
    if (bytes <= limit || (limit < maxStringBytes && bytes <= limit + MARKER_ROOM)) return s;
    return capText(s, limit);
  };
  const render = (limit: number) => JSON.stringify(mapStrings(value, (s) => capString(s, limit))) ?? 'null';
  const fits = (json: string) => json.length * 3 <= maxBytes || Buffer.byteLength(json, 'utf8') <= maxBytes;

  const whole = render(maxStringBytes);
  if (fits(whole)) return whole;
  let best = render(0);
  let lo = 1;
  let hi = maxStringBytes - 1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const candidate = render(mid);
    if (fits(candidate)) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}
