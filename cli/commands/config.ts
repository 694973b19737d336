/** `cordon config check`: validates the whole configuration at once and prints it, secrets masked. */
import { effectiveConfig } from '../../config/effective-config';
import { UsageError, type Command } from '../command';

export const configCommand: Command = {
  name: 'config',
  summary: 'Check the configuration (every problem at once) and print the effective one, secrets masked (`check`).',
  usage: 'check',
  async run(args, context) {
    const [action, ...rest] = args.positionals;
    if (action !== 'check' || rest.length > 0) throw new UsageError('usage: cordon config check');
    // Loading the configuration (before this command runs) already refused every problem, in one error.
    context.out(JSON.stringify(effectiveConfig(context.config), null, 2));
    context.err('cordon config: the configuration is valid');
    return 0;
  },
};
