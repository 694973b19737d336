/**
 * Unknown variables with cordon's prefixes are refused at start, and the README's variable tables list exactly the
 * variables the code reads.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config';
import { takedownConfigFromEnv } from '../../config/takedown';
import { CHECKED_PREFIXES, knownVariables } from '../../config/variables';

/** Variables with a checked prefix named in the README's table rows (lines starting with `|`). */
function readmeTableVariables(): Set<string> {
  const names = new Set<string>();
  const pattern = new RegExp(`\\b(?:${CHECKED_PREFIXES.join('|')})[A-Z0-9_]+\\b`, 'g');
  for (const line of readFileSync('README.md', 'utf8').split('\n')) {
    if (!line.startsWith('|')) continue;
    for (const cell of line.matchAll(/`([^`]+)`/g)) {
      for (const name of cell[1]?.match(pattern) ?? []) names.add(name);
    }
  }
  return names;
}

describe('configuration variables', () => {
  it('refuses NETCRAFT_URL at start and suggests NETCRAFT_API_URL', () => {
    const start = () => loadConfig({ NETCRAFT_API_TOKEN: 't', NETCRAFT_URL: 'http://127.0.0.1:9/' });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow('unknown configuration variable: NETCRAFT_URL (did you mean "NETCRAFT_API_URL"?)');
  });

  it('refuses every unknown variable of each prefix at once, and ignores other variables', () => {
    const start = () =>
      loadConfig({
        CLOUDFLARE_URL: 'x',
        TAKEDOWN_SITE_PROT: '8080',
        SMTP_FORM: 'a@b.example',
        OKTA_ORG: 'x',
        SLACK_TOKEN: 'x',
        CORDON_GROUP: '{}',
        PATH: '/usr/bin',
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
      });
    expect(start).toThrow(/CLOUDFLARE_URL \(did you mean "CLOUDFLARE_API_URL"\?\)/);
    expect(start).toThrow(/TAKEDOWN_SITE_PROT \(did you mean "TAKEDOWN_SITE_PORT"\?\)/);
    expect(start).toThrow(/SMTP_FORM \(did you mean "SMTP_FROM"\?\)/);
    expect(start).toThrow(/OKTA_ORG \(did you mean "OKTA_ORG_URL"\?\)/);
    expect(start).toThrow(/SLACK_TOKEN/);
    expect(start).toThrow(/CORDON_GROUP \(did you mean "CORDON_GROUPS"\?\)/);
    expect(start).not.toThrow(/PATH|TEMPORAL_ADDRESS/);
  });

  it('accepts every variable the sections read', () => {
    const env = Object.fromEntries(knownVariables().map((name) => [name, '']));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('lists in the README tables exactly the variables the code reads', () => {
    const documented = readmeTableVariables();
    const known = new Set(knownVariables());
    expect([...known].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });

  it('names SMTP_FROM when SMTP_HOST is set without it', () => {
    expect(() => takedownConfigFromEnv({ SMTP_HOST: 'mail.acme.example' })).toThrow(
      'takedown configuration: SMTP_HOST is set, so SMTP_FROM must be too: the address reports are sent from, e.g. secops@example.com',
    );
  });
});
