/**
 * `cordon test [FILES|DIRS]`: runs the playbook tests written in YAML beside the playbooks (`x.test.yaml` tests
 * `x.yaml`) on an embedded, throw-away Temporal dev server, with time skipping for long waits. Exits 1 when a case
 * fails or a test file does not load.
 */
import { testFileJsonSchema } from '../../playbook-tests/json-schema';
import { findTestFiles, TestPathError } from '../../playbook-tests/find-files';
import type { CaseReport, TestReport } from '../../playbook-tests/run-tests';
import { stringOption, UsageError, defineCommand } from '../command';
import { CLIENT_CHANNEL_ARGS } from '../../temporal/client-channel';

export const testCommand = defineCommand('test', {
  usage: '[FILE|DIR ...] [--filter TEXT] [--json] [--schema]',
  options: {
    json: { type: 'boolean' },
    filter: { type: 'string' },
    schema: { type: 'boolean' },
  },
  async run(args, context) {
    if (args.values.schema) {
      context.out(JSON.stringify(testFileJsonSchema(), null, 2));
      return 0;
    }
    let files: string[];
    try {
      files = findTestFiles(args.positionals.length > 0 ? args.positionals : [context.config.playbooksDir]);
    } catch (error) {
      if (error instanceof TestPathError) throw new UsageError(error.message);
      throw error;
    }
    // Loaded only now: `--schema` and a wrong path answer without the Temporal client and worker.
    const { prepareTestFiles, reportLines, runTestFiles } = await import('../../playbook-tests/run-tests');
    const prepared = prepareTestFiles(files, context.registry);
    const json = args.values.json === true;
    const print = (report: TestReport) => {
      if (json) context.out(JSON.stringify(report, null, 2));
      else reportLines(report).forEach((line) => context.out(line));
      return report.failed > 0 ? 1 : 0;
    };
    const filter = stringOption(args, 'filter');
    const options = {
      ...(filter ? { filter } : {}),
      onCase: (file: string, result: CaseReport) => {
        if (json) context.err(`${result.passed ? '✓' : '✗'} ${file}: ${result.name}`);
      },
    };
    if (!prepared.some((file) => file.kind === 'ready')) return print(await runTestFiles(undefined, prepared, options));

    const [{ Client, Connection }, { startDevServer }, { workflowBundle }, { temporalCli }, { installRuntimeLogger }] =
      await Promise.all([
        import('@temporalio/client'),
        import('../../temporal/dev-server'),
        import('../../temporal/worker-factory'),
        import('./up'),
        import('../../temporal/logger'),
      ]);
    // The report is the output: the worker's lines (every core.log, every failure a case provokes) would drown it.
    const verbose = context.config.logLevel === 'DEBUG' || context.config.logLevel === 'TRACE';
    installRuntimeLogger(verbose ? context.config.logLevel : 'ERROR');
    // With --json, stdout holds the report alone.
    const progress = `Running ${files.length} playbook test file(s) on an in-memory Temporal dev server ...`;
    if (json) context.err(progress);
    else context.out(progress);
    const [server, bundle] = await Promise.all([
      temporalCli(context).then((cliPath) => startDevServer({ cliPath, timeSkipping: true })),
      workflowBundle((line) => context.err(line)),
    ]);
    try {
      const connection = await Connection.connect({ address: server.address, channelArgs: CLIENT_CHANNEL_ARGS });
      try {
        const client = new Client({ connection, namespace: server.namespace });
        const env = {
          client,
          address: server.address,
          namespace: server.namespace,
          bundle,
          registry: context.registry,
        };
        return print(await runTestFiles(env, prepared, options));
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
    }
  },
});
