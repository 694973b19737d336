/**
 * The JSON Schema (draft 2020-12) of playbook test files, for editors (`cordon test --schema`), derived from the zod
 * schema as the playbook one is.
 */
import { z } from 'zod';
import { testFileSchema } from './schema';

export function testFileJsonSchema(): z.core.JSONSchema.JSONSchema {
  return {
    ...z.toJSONSchema(testFileSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    title: 'cordon playbook test',
    // Top-level `x-…` keys hold values shared through YAML anchors; the loader ignores them.
    patternProperties: { '^x-': {} },
  };
}
