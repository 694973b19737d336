/**
 * `cordon keys init` makes the decision key of the person at this terminal (Ed25519, under the user's config folder)
 * and prints the public key to list under their entry in the people directory; `cordon keys show` prints it again.
 * `cordon approve` and `cordon reject` sign with this key; the worker counts only decisions signed by a listed key.
 */
import { keyFingerprint } from '../../people/decision-signature';
import { createKeyFile, KeyFileError, loadKeyFile, type DecisionKey } from '../../people/key-file';
import { requirePositional, stringOption, UsageError, defineCommand } from '../command';
import type { CliContext } from '../context';

function describe(key: DecisionKey, context: CliContext): void {
  const person = context.config.people.directory.byKey(key.publicKey);
  context.out(key.publicKey);
  context.err(`key file: ${key.file} (fingerprint ${keyFingerprint(key.publicKey)})`);
  context.err(
    person
      ? `the people directory lists this key for ${person.id}`
      : `add it to your entry in the people directory (CORDON_DIRECTORY), under keys:, e.g.\n  - id: ${context.user}\n    keys: ["${key.publicKey}"]`,
  );
}

function withKeyErrors<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof KeyFileError) throw new UsageError(error.message);
    throw error;
  }
}

export const keysCommand = defineCommand('keys', {
  usage: 'init|show [--key PATH (CORDON_KEY_FILE)]',
  options: { key: { type: 'string' } },
  async run(args, context) {
    const action = requirePositional(args, 0, 'init or show');
    const file = stringOption(args, 'key') ?? context.config.people.keyFile;
    if (action === 'init')
      describe(
        withKeyErrors(() => createKeyFile(file)),
        context,
      );
    else if (action === 'show')
      describe(
        withKeyErrors(() => loadKeyFile(file)),
        context,
      );
    else throw new UsageError(`cordon keys takes init or show, not "${action}"`);
    return 0;
  },
});
