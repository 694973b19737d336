/** Reading a section's variables one by one, so that one error lists every problem instead of the first. */
import { ConfigError } from './config-error';

/** Collects the `ConfigError`s of a section's reads; `throwIfAny` ends the section with all of them. */
export class ConfigProblems {
  readonly problems: string[] = [];

  /** What `parse` returns, or `fallback` when it throws a `ConfigError` (kept as a problem); other errors pass. */
  read<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(error.message);
      return fallback;
    }
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems.join('; '), this.problems);
  }
}
