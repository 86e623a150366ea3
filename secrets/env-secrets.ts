/** Environment variable names whose values are treated as secrets. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL/i;

/** Shorter values are too likely to occur by chance to be worth redacting. */
export const MIN_SECRET_LENGTH = 8;

/** The values of variables whose names look like secrets (…_KEY, …_TOKEN, …_SECRET, …PASSWORD, …CREDENTIAL…). */
export function secretValuesFromEnv(env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && SECRET_NAME.test(name) && value.length >= MIN_SECRET_LENGTH) values.add(value);
  }
  return [...values];
}
