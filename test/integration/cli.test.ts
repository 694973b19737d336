import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { createKeyFile } from '../../people/key-file';
import { freePort } from '../../temporal/dev-server';
import { cordon, cordonUntil, exited } from '../support/cli';
import type { ChildProcess } from 'node:child_process';

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

describe('the cordon command line', () => {
  it('prints every playbook error with file, line and column, and exits 1', async () => {
    const result = await cordon(['validate', 'test/fixtures/cli/bad-playbook.yaml', 'playbooks/demo-containment.yaml']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^test\/fixtures\/cli\/bad-playbook\.yaml:5:13: step "first": unknown action "core\.nope" \(did you mean "core\.log"\?\)/,
      ),
      expect.stringMatching(/^test\/fixtures\/cli\/bad-playbook\.yaml:9:13: step "second": needs "missing"/),
    ]);
    expect(result.stdout).toContain('playbooks/demo-containment.yaml: ok');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('validates a playbook written with an old field spelling, warning with the new name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-old-spelling-'));
    const file = path.join(dir, 'old.yaml');
    await writeFile(
      file,
      [
        'id: old',
        'title: Old',
        'steps:',
        '  - id: a',
        '    action: core.log',
        '    with: { message: hi }',
        '    retry: { maxAttempts: 2 }',
        '',
      ].join('\n'),
    );
    const result = await cordon(['validate', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `${file}:7:14: warning: retry.maxAttempts is deprecated: write retry.maximumAttempts\n`,
    );
    expect(result.stdout).toContain(`${file}: ok (old v1, 1 steps)`);
  });

  it('refuses a bad input in one line before reaching any server', async () => {
    const result = await cordon(['run', 'demo-containment', '--input', 'login=not-an-email', '--input', 'nope=1'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('input "login"');
    expect(result.stderr).toContain('nope');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('says clearly when no server answers', async () => {
    const result = await cordon(['list'], { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cordon list: no Temporal server answers at 127\.0\.0\.1:\d+/);
  });

  it("says which search attribute a namespace lacks, and how to register it, instead of Temporal's stack trace", async () => {
    const address = inject('temporalAddress');
    const namespace = `cordon-bare-${process.pid}-${Date.now()}`;
    const connection = await Connection.connect({ address });
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
    } finally {
      await connection.close();
    }
    const inputs = ['--input', 'login=a@example.com', '--input', 'phishingDomain=x.example'];
    const run = () =>
      cordon(['run', 'demo-containment', ...inputs, '--input', 'attackerIp=203.0.113.7', '--detach'], {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: namespace,
      });
    // A namespace just registered takes a moment to be known to every part of the server.
    let result = await run();
    for (let tries = 0; tries < 20 && /not found/i.test(result.stderr); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      result = await run();
    }
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^cordon run: namespace ${namespace} has no search attribute Cordon\\w+: register cordon's search attributes`,
      ),
    );
    expect(result.stderr).toContain(`temporal operator search-attribute create --namespace ${namespace}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('runs a playbook on `cordon up`, approves it from the CLI, and keeps the run across a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cordon-up-'));
    // alice and bob each make their decision key and are listed with it in the people directory.
    const keys = { alice: path.join(dataDir, 'keys', 'alice.pem'), bob: path.join(dataDir, 'keys', 'bob.pem') };
    const init = await cordon(['keys', 'init', '--key', keys.alice]);
    expect(init.code).toBe(0);
    expect(init.stdout.trim()).toMatch(/^ed25519:[A-Za-z0-9+/]{43}=$/);
    // bob's is made in-process (each cordon process costs seconds on a busy machine).
    const publicKeys = [init.stdout.trim(), createKeyFile(keys.bob).publicKey];
    const directory = path.join(dataDir, 'people.yaml');
    await writeFile(
      directory,
      stringify({
        people: [
          { id: 'alice', keys: [publicKeys[0]] },
          { id: 'bob', keys: [publicKeys[1]] },
        ],
      }),
    );
    const port = await freePort();
    const upEnv = {
      CORDON_DATA_DIR: dataDir,
      CORDON_GROUPS: JSON.stringify({ 'secops-oncall': ['alice', 'bob'] }),
      CORDON_TASK_QUEUE: `cli-${port}`,
      CORDON_DIRECTORY: directory,
    };
    const args = ['up', '--port', String(port), '--ui-port', String(await freePort())];
    const up = await cordonUntil(args, upEnv, 'worker on task queue');
    running.push(up);
    const client = {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      CORDON_TASK_QUEUE: `cli-${port}`,
      CORDON_USER: 'bob',
      CORDON_DIRECTORY: directory,
    };
    const inputs = [
      '--input',
      'login=jane@corp.example',
      '--input',
      'phishingDomain=corp-okta.test',
      '--input',
      'attackerIp=192.0.2.1',
    ];

    const run = await cordon(['run', 'demo-containment', ...inputs, '--incident', 'INC-7'], client);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('started cordon/demo-containment/jane@corp.example');
    expect(run.stdout).toContain('waits for 1 approval(s) from: alice');
    expect(run.stdout).toContain('waiting for approval');
    const workflowId = 'cordon/demo-containment/jane@corp.example';

    const asAnyone = await cordon(['approve', workflowId, 'suspend', '--as', 'alice'], client);
    expect(asAnyone.code).toBe(2);
    expect(asAnyone.stderr).toContain('--as is gone');

    // Without a terminal to confirm on, approve shows what it would approve, and asks for the hash.
    const look = await cordon(['approve', workflowId, 'suspend', '--key', keys.alice], client);
    expect(look.code).toBe(2);
    expect(look.stdout).toContain('"login": "jane@corp.example"');
    const hash = /inputs hash: ([0-9a-f]{64})/.exec(look.stdout)?.[1] ?? '';
    expect(look.stderr).toContain(`run again with --hash ${hash}`);

    const own = await cordon(['approve', workflowId, 'suspend', '--key', keys.bob, '--hash', hash], client);
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('bob requested this run and cannot approve');

    const approve = await cordon(['approve', workflowId, 'suspend', '--key', keys.alice, '--hash', hash], client);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(/approved by alice \(Ed25519 key SHA256:[0-9a-f]{16}\)/);
    expect(approve.stdout).toMatch(/inputs \(sha256 [0-9a-f]{64}\): .*"login":"jane@corp\.example"/);
    await expect
      .poll(async () => (await cordon(['status', 'cordon/demo-containment/jane@corp.example'], client)).stdout, {
        timeout: 30_000,
      })
      .toContain('cordon/demo-containment/jane@corp.example: succeeded');

    up.kill('SIGINT');
    expect(await exited(up)).toBe(0);
    const again = await cordonUntil(args, upEnv, 'worker on task queue');
    running.push(again);
    const list = await cordon(['list', '--query', "CordonIncident = 'INC-7'"], client);
    expect(list.stdout).toMatch(/COMPLETED\s+cordon\/demo-containment\/jane@corp\.example\s+\(jane@corp\.example\)/);
    again.kill('SIGINT');
    expect(await exited(again)).toBe(0);
    // Many cordon processes, each seconds to start on a shared machine.
  }, 420_000);
});
