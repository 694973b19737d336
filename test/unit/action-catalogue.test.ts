import { describe, expect, it } from 'vitest';
import { createBuiltinHandlers } from '../../activities/builtin-handlers';
import { ACTIONS, catalogueEntry } from '../../activities/catalogue';
import { builtinRegistry } from '../../activities/registry';

describe('the action catalogue', () => {
  it('is what the built-in registry lists', () => {
    expect(builtinRegistry.names()).toEqual(ACTIONS.map((spec) => spec.name).sort((a, b) => a.localeCompare(b)));
  });

  it('gives each action its impact, default undo and child-workflow info', () => {
    expect(catalogueEntry('okta.suspend_user')?.impact).toBe('destructive');
    expect(catalogueEntry('okta.suspend_user')?.undo?.action).toBe('okta.unsuspend_user');
    expect(catalogueEntry('takedown.monitor')?.workflow?.type).toBe('takedownMonitor');
    expect(catalogueEntry('okta.delete_everything')).toBeUndefined();
  });

  it('derives a handler for every action that runs as an activity, failing NotConfigured without clients', async () => {
    const handlers = createBuiltinHandlers({});
    const activityActions = ACTIONS.filter((spec) => !('workflow' in spec && spec.workflow));
    expect(Object.keys(handlers).sort()).toEqual(activityActions.map((spec) => spec.name).sort());
    for (const name of ['okta.suspend_user', 'okta.get_user', 'takedown.request', 'takedown.check']) {
      const handler = handlers[name];
      await expect(handler?.({}, {} as never), name).rejects.toMatchObject({ type: 'NotConfigured' });
    }
  });
});
