/**
 * The JSON Schema (draft 2020-12) of playbooks, for editors (`cordon schema`; the YAML language server completes and
 * checks fields with it). Derived from the zod schema, with what only the registry knows: `action` is one of the
 * registered names, and each action's `with` lists that action's input fields.
 */
import { z } from 'zod';
import type { ActionSpec } from '../activities/action';
import type { ActionRegistry } from '../activities/registry';
import { acceptsUnknownFields } from './check-fields';
import { duration, inputSchema, playbookSchema, stepSchema } from './schema';

type JsonSchema = z.core.JSONSchema.JSONSchema;

/** Any value in `with` may instead be a template computed at run time. */
const TEMPLATE: JsonSchema = { type: 'string', pattern: '\\$\\{\\{', description: 'A ${{ expression }} template.' };

/** The same grammar as `isDuration` in duration.ts; the fixture tests check both accept the shipped playbooks. */
const DURATION_PATTERN = '^(?:\\d+(?:ms|s|m|h|d))+$';

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Renames an action schema's `$defs` into the root's, so its `$ref`s stay valid when nested in the playbook schema. */
function hoistDefinitions(schema: JsonSchema, prefix: string, defs: Record<string, JsonSchema>): JsonSchema {
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (!isJsonObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
          ? [key, `#/$defs/${prefix}${inner.slice('#/$defs/'.length)}`]
          : [key, rename(inner)],
      ),
    );
  };
  const { $defs, ...rest } = schema;
  delete rest.$schema;
  for (const [name, definition] of Object.entries($defs ?? {})) defs[`${prefix}${name}`] = definition;
  const renamed = rename(rest);
  return isJsonObject(renamed) ? renamed : {};
}

/** An action's `with`: its input fields, each also accepting a template. */
function withSchema(spec: ActionSpec, defs: Record<string, JsonSchema>): JsonSchema {
  const input = hoistDefinitions(
    z.toJSONSchema(spec.input, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    `${spec.name}.`,
    defs,
  );
  const properties = Object.fromEntries(
    Object.entries(input.properties ?? {}).map(([name, field]) => [
      name,
      typeof field === 'boolean' ? field : { anyOf: [field, TEMPLATE] },
    ]),
  );
  return {
    ...input,
    type: 'object',
    properties,
    // The linter refuses unknown fields even where zod would strip them, so editors should flag them too.
    additionalProperties: acceptsUnknownFields(spec),
  };
}

/** The JSON Schema of a playbook for the actions of `registry`. */
export function playbookJsonSchema(registry: ActionRegistry): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const specs = registry.list();
  const schema = z.toJSONSchema(playbookSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === duration) jsonSchema.pattern = DURATION_PATTERN;
      // What the linter checks: an enum (or a list of one) lists its values, and only an enum has values.
      if (zodSchema === inputSchema) {
        jsonSchema.if = {
          anyOf: [
            { properties: { type: { const: 'enum' } }, required: ['type'] },
            { properties: { of: { const: 'enum' } }, required: ['of'] },
          ],
        };
        jsonSchema.then = { properties: { values: true }, required: ['values'] };
        jsonSchema.else = { not: { properties: { values: true }, required: ['values'] } };
      }
      if (zodSchema !== stepSchema || !jsonSchema.properties) return;
      const action = jsonSchema.properties.action;
      jsonSchema.properties.action = { ...(isJsonObject(action) ? action : {}), enum: specs.map((spec) => spec.name) };
      jsonSchema.allOf = specs.map((spec) => ({
        if: { properties: { action: { const: spec.name } }, required: ['action'] },
        then: { properties: { with: { description: spec.description, ...withSchema(spec, defs) } } },
      }));
    },
  });
  return {
    ...schema,
    title: 'cordon playbook',
    $defs: { ...schema.$defs, ...defs },
  };
}
