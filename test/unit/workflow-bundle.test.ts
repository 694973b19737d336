import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prebuiltBundle, savePrebuiltBundle, workflowSources } from '../../temporal/workflow-bundle';

/** A small project: a workflows entry that imports a helper from another folder, and a package that stays outside. */
async function project(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bundle-'));
  await mkdir(path.join(root, 'workflows'));
  await mkdir(path.join(root, 'dsl'));
  await writeFile(path.join(root, 'package-lock.json'), '{}');
  await writeFile(
    path.join(root, 'workflows', 'index.ts'),
    "import { proxyActivities } from '@temporalio/workflow';\nimport { twice } from '../dsl/twice';\nexport const run = () => [twice(2), proxyActivities];\n",
  );
  await writeFile(path.join(root, 'dsl', 'twice.ts'), 'export const twice = (n: number) => n * 2;\n');
  return root;
}

describe('the prebuilt workflow bundle', () => {
  it('lists the sources a workflow entry imports, across folders, without packages', async () => {
    const root = await project();
    expect(await workflowSources(root, path.join(root, 'workflows', 'index.ts'))).toEqual([
      path.join('dsl', 'twice.ts'),
      path.join('workflows', 'index.ts'),
    ]);
  });

  it('is used while its sources are unchanged, and not once one of them changes', async () => {
    const root = await project();
    expect((await prebuiltBundle(root)).kind).toBe('missing');
    const sources = await workflowSources(root, path.join(root, 'workflows', 'index.ts'));
    await savePrebuiltBundle(root, '/* bundle */', sources);
    expect(await prebuiltBundle(root)).toEqual({ kind: 'fresh', code: '/* bundle */' });

    await writeFile(path.join(root, 'dsl', 'twice.ts'), 'export const twice = (n: number) => n * 3;\n');
    expect(await prebuiltBundle(root)).toEqual({
      kind: 'stale',
      reason: 'the workflow code changed since the prebuilt bundle was made',
    });
  });

  it('is not used after the installed packages changed, or when its manifest is damaged', async () => {
    const root = await project();
    const sources = await workflowSources(root, path.join(root, 'workflows', 'index.ts'));
    await savePrebuiltBundle(root, '/* bundle */', sources);
    await writeFile(path.join(root, 'package-lock.json'), '{"lockfileVersion": 3}');
    expect((await prebuiltBundle(root)).kind).toBe('stale');

    await savePrebuiltBundle(root, '/* bundle */', sources);
    await writeFile(path.join(root, 'dist', 'workflow-bundle.json'), '{"sourceHash": "not a hash"}');
    const damaged = await prebuiltBundle(root);
    expect(damaged.kind).toBe('stale');
    expect(damaged.kind !== 'fresh' && damaged.reason).toContain('workflow-bundle.json is unreadable');
  });
});
