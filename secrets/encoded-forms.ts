/**
 * The forms a secret takes when a program re-encodes it before printing: URL-encoded (query
 * strings), JSON-escaped (a key with a quote or backslash inside a JSON document) and base64 (HTTP
 * Basic credentials, Kubernetes secrets, `echo $KEY | base64`).
 *
 * Inside a longer base64 text (`user:secret` encoded together) the secret's characters depend on its
 * byte offset modulo 3, so each of the three alignments contributes the run of base64 characters
 * that only the secret's own bytes determine.
 */
export function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded; such a value is never sent in a URL either.
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]).toString('base64');
    // Character i covers bits [6i, 6i + 6): keep those entirely inside the secret's bytes.
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms];
}
