/** A task submission that cannot be accepted; nothing was written. */
export class TaskInputError extends Error {
  override name = 'TaskInputError';
}
