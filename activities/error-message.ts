/** The message of anything thrown: an Error's own message, else the value as text. Sandbox-safe. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first line of what was thrown: a server's refusal can run to many lines, too many for a reply or a log line. */
export function errorFirstLine(error: unknown): string {
  const message = errorMessage(error);
  return message.split('\n')[0] ?? message;
}

/** The messages of an error and of each error it was caused by, outermost first (a server's refusal sits deep inside). */
export function causeMessages(error: unknown): string[] {
  const messages: string[] = [];
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) messages.push(cause.message);
  return messages;
}
