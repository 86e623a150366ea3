/** Environment variable names whose values are treated as secrets. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

/** Shorter values are too likely to occur by chance to be worth redacting. */
export const MIN_SECRET_LENGTH = 8;

/** The password in a URL's user info, e.g. a proxy's: `http://user:password@proxy:3128`. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/gi;

/**
 * The values of variables whose names look like secrets (…_KEY, …_TOKEN, …_SECRET, …PASSWORD,
 * …CREDENTIAL…), and the passwords inside URLs of any variable (a proxy such as ALL_PROXY).
 */
export function secretValuesFromEnv(env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name) && value.length >= MIN_SECRET_LENGTH) values.add(value);
    for (const match of value.matchAll(URL_PASSWORD)) {
      const password = decodeURIComponent(match[1]!);
      if (password.length >= MIN_SECRET_LENGTH) values.add(password).add(match[1]!);
    }
  }
  return [...values];
}
