/** Commands about playbooks and actions that need no server: validate, schema, actions. */
import type { z } from 'zod';
import { checkPlaybookSource, compilePlaybook, formatIssue, playbookJsonSchema, readPlaybookFile } from '../../dsl';
import { loadTestFile, TestFileError } from '../../playbook-tests/load';
import { UsageError, defineCommand } from '../command';

export const validateCommand = defineCommand('validate', {
  usage: 'FILE...',
  async run(args, context) {
    if (args.positionals.length === 0) throw new UsageError('name at least one playbook file');
    let failed = 0;
    // A test file names its playbook's problems too: given both, each problem is said once.
    const said = new Set<string>();
    const sayOnce = (line: string): boolean => {
      if (said.has(line)) return false;
      said.add(line);
      context.err(line);
      return true;
    };
    for (const file of args.positionals) {
      // A playbook test beside the playbooks (`cordon validate playbooks/*.yaml`) is checked as one, with its playbook.
      if (/\.test\.ya?ml$/.test(file)) {
        try {
          const { plan, tests } = loadTestFile(file, context.registry);
          context.out(`${file}: ok (tests of ${plan.id}, ${tests.cases.length} cases)`);
        } catch (error) {
          if (!(error instanceof TestFileError)) throw error;
          failed++;
          const saidNew = error.issues.map((issue) => sayOnce(formatIssue(issue)));
          if (!saidNew.includes(true)) context.err(`${file}: not checked: its playbook has the problems above`);
        }
        continue;
      }
      const source = readPlaybookFile(file);
      const { playbook, issues, warnings } = checkPlaybookSource(source, file, context.registry);
      for (const warning of warnings) sayOnce(formatIssue({ ...warning, message: `warning: ${warning.message}` }));
      if (!playbook) {
        failed++;
        for (const issue of issues) sayOnce(formatIssue(issue));
        continue;
      }
      const plan = compilePlaybook(playbook, source, context.registry, file);
      context.out(`${file}: ok (${plan.id} v${plan.version}, ${plan.steps.length} steps)`);
    }
    return failed > 0 ? 1 : 0;
  },
});

export const schemaCommand = defineCommand('schema', {
  usage: '',
  async run(_args, context) {
    context.out(JSON.stringify(playbookJsonSchema(context.registry), null, 2));
    return 0;
  },
});

function fields(schema: z.ZodObject): string {
  return Object.entries(schema.shape)
    .map(([name, field]) => `${name}${(field as z.ZodType).safeParse(undefined).success ? '?' : ''}`)
    .join(', ');
}

export const actionsCommand = defineCommand('actions', {
  usage: '[--json]',
  options: { json: { type: 'boolean' } },
  async run(args, context) {
    const specs = context.registry.list();
    if (args.values.json) {
      const rows = specs.map((spec) => ({
        name: spec.name,
        impact: spec.impact,
        description: spec.description,
        inputs: Object.keys(spec.input.shape),
        undo: spec.undo?.action ?? null,
      }));
      context.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    for (const spec of specs) {
      context.out(`${spec.name}  [${spec.impact}]${spec.undo ? `  undo: ${spec.undo.action}` : ''}`);
      context.out(`    ${spec.description}`);
      context.out(`    inputs: ${fields(spec.input) || '(none)'}`);
    }
    return 0;
  },
});
