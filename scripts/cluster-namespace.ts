/**
 * The Temporal side of `scripts/cluster.sh`: waits until the cluster's frontend answers, then registers cordon's
 * namespace (when missing) and its search attributes (those of `temporal/search-attributes.ts`, so the catalogue has one
 * owner). Idempotent. With `--check` it only reports whether the frontend answers and the namespace is ready.
 *
 *   tsx scripts/cluster-namespace.ts --address 127.0.0.1:17233 --namespace cordon [--check] [--wait-seconds 90]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { errorMessage } from '../activities/error-message';
import { CORDON_SEARCH_ATTRIBUTES, ensureSearchAttributes } from '../temporal/search-attributes';

/** Thrown when the cluster does not answer or refuses the set-up; says what and where. */
class ClusterSetupError extends Error {
  override readonly name = 'ClusterSetupError';
}

// A test run's histories need only outlive the test; a responder's cluster sets its own retention.
const RETENTION = '7 days';

async function connectWithin(address: string, seconds: number): Promise<Connection> {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (error) {
      last = errorMessage(error);
      await sleep(500);
    }
  }
  throw new ClusterSetupError(`the Temporal frontend at ${address} did not answer within ${seconds} s: ${last}`);
}

async function namespaceExists(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (error) {
    if (errorMessage(error).toLowerCase().includes('not found')) return false;
    throw error;
  }
}

async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(listed.customAttributes ?? {}));
  return CORDON_SEARCH_ATTRIBUTES.map((key) => key.name).filter((name) => !known.has(name));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string' },
      namespace: { type: 'string' },
      check: { type: 'boolean', default: false },
      'wait-seconds': { type: 'string', default: '90' },
    },
  });
  const address = values.address;
  const namespace = values.namespace;
  if (!address || !namespace) throw new ClusterSetupError('--address and --namespace are required');
  const waitSeconds = Number(values['wait-seconds']);
  if (!Number.isFinite(waitSeconds) || waitSeconds <= 0)
    throw new ClusterSetupError(`--wait-seconds must be a positive number, got ${values['wait-seconds']}`);

  const connection = await connectWithin(address, waitSeconds);
  try {
    if (values.check) {
      const ready = (await namespaceExists(connection, namespace))
        ? (await missingSearchAttributes(connection, namespace)).length === 0
        : false;
      console.log(`frontend ${address} answers; namespace ${namespace} ${ready ? 'ready' : 'not set up'}`);
      process.exitCode = ready ? 0 : 3;
      return;
    }
    if (await namespaceExists(connection, namespace)) {
      console.log(`namespace ${namespace}: exists`);
    } else {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'cordon containment runs',
        workflowExecutionRetentionPeriod: msToTs(RETENTION),
      });
      console.log(`namespace ${namespace}: registered`);
    }
    // A namespace just registered reaches every service's cache a moment later.
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      try {
        const added = await ensureSearchAttributes(connection, namespace);
        if (added.length > 0) console.log(`search attributes added: ${added.join(', ')}`);
        if ((await missingSearchAttributes(connection, namespace)).length === 0) break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new ClusterSetupError(`cannot add search attributes to ${namespace}: ${errorMessage(error)}`);
      }
      if (Date.now() > deadline)
        throw new ClusterSetupError(`search attributes of ${namespace} still missing after ${waitSeconds} s`);
      await sleep(500);
    }
    console.log(`search attributes: ${CORDON_SEARCH_ATTRIBUTES.map((key) => key.name).join(', ')} (Keyword)`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`cluster: ${errorMessage(error)}`);
  process.exit(1);
});
