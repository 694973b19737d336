/** `cordon config check`: validates the whole configuration at once and prints it, secrets masked. */
import { effectiveConfig } from '../../config/effective-config';
import { UsageError, defineCommand } from '../command';

export const configCommand = defineCommand('config', {
  usage: 'check',
  async run(args, context) {
    const [action, ...rest] = args.positionals;
    if (action !== 'check' || rest.length > 0) throw new UsageError('usage: cordon config check');
    // Loading the configuration (before this command runs) already refused every problem, in one error.
    context.out(JSON.stringify(effectiveConfig(context.config), null, 2));
    context.err('cordon config: the configuration is valid');
    return 0;
  },
});
