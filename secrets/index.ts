// The secrets room: knows what a secret looks like and replaces it. A leaf: imports nothing from the project.
export { createRedactor, REDACTED, type Redactor, type RedactorOptions } from './redactor.js';
export { MIN_SECRET_LENGTH, SECRET_NAME, secretValuesFromEnv } from './env-secrets.js';
export { encodedForms } from './encoded-forms.js';
export { KEY_PATTERNS } from './key-patterns.js';
