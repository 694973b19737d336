/** The message of anything thrown: an Error's own message, else the value as text. Sandbox-safe. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
