/** The one error configuration parsing throws, in a module of its own so that every section can import it. */

/** Thrown when the environment holds a value that does not parse; names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    /** Each problem on its own, when the error lists several. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}
