/** The message of whatever was thrown, for one line of a dry run's output. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
