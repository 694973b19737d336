/** A mistake by the person at the keyboard: printed as one line, exit code 2 (1 for failed runs). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
