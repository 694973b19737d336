/**
 * Redaction for audit outputs. No secret should enter a history at all, but an action may return one (a temporary
 * password after a reset) and a playbook author may name an input `apiToken`; an audit report travels further than
 * the history (tickets, e-mail, regulators), so every format hides:
 * - the value of any key whose name looks secret (password, token, secret, apiKey, privateKey, authorization, …),
 *   except booleans and null, which say whether, not what (`oauthTokens: true` stays readable);
 * - credentials inside any string: `Bearer …`/`SSWS …`/`Basic …` schemes, JWTs, Slack tokens, private key blocks,
 *   passwords in URLs, and secret-named query parameters.
 * The raw history export is not redacted: it must stay the exact history, for replay and for its digest.
 */

export const REDACTED = '[redacted]';

/** Fragments of key names (compared lowercase, without `_`, `-` or `.`) whose values are secret. */
export const SECRET_KEY_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'authorization',
  'credential',
  'cookie',
  'signingkey',
  'accesskey',
] as const;

/** Whole key names that are secret but too short to match as fragments. */
export const SECRET_KEY_NAMES = ['otp', 'passcode', 'pin', 'pwd', 'pass', 'auth', 'sid'] as const;

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    (SECRET_KEY_NAMES as readonly string[]).includes(normalized) ||
    SECRET_KEY_FRAGMENTS.some((fragment) => normalized.includes(fragment))
  );
}

const SECRET_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  [/\b(Bearer|SSWS|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*/g, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${REDACTED}@`],
  [
    /([?&](?:access_token|token|api_key|apikey|key|password|secret|sig|signature|client_secret)=)[^&\s#"']+/gi,
    `$1${REDACTED}`,
  ],
];

/** A string with credentials inside it replaced. */
export function redactText(text: string): string {
  return SECRET_TEXT.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A deep copy with secret values replaced by `[redacted]`; `paths` collects the JSON pointer of each replaced value
 * (credentials found inside strings are replaced too, and their string's pointer collected).
 */
export function redactValue(value: unknown, paths: string[] = [], pointer = ''): unknown {
  if (typeof value === 'string') {
    const redacted = redactText(value);
    if (redacted !== value) paths.push(pointer || '/');
    return redacted;
  }
  if (Array.isArray(value)) return value.map((element, index) => redactValue(element, paths, `${pointer}/${index}`));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, element] of Object.entries(value)) {
    const path = `${pointer}/${pointerSegment(key)}`;
    if (isSecretKey(key) && element !== null && element !== undefined && typeof element !== 'boolean') {
      copy[key] = REDACTED;
      paths.push(path);
    } else {
      copy[key] = redactValue(element, paths, path);
    }
  }
  return copy;
}

const YAML_PAIR = /^(\s*(?:-\s+)?)(["']?)([A-Za-z_][\w.-]*)\2(\s*:[ \t]+)(.+)$/gm;
const FLOW_PAIR = /([{,]\s*)(["']?)([A-Za-z_][\w.-]*)\2(\s*:\s*)("[^"]*"|'[^']*'|[^,{}[\]\s][^,}]*)/g;
const KEEP_VALUE = /^(true|false|null|~|\||>|\{|\[|&|\*|\$\{\{)/;

/**
 * A playbook's YAML with literal secret values replaced (`password: hunter2` → `password: "[redacted]"`); templates
 * (`${{ … }}`) and booleans are kept, being no secret themselves.
 */
export function redactSource(source: string): string {
  const replace = (match: string, lead: string, quote: string, key: string, separator: string, rest: string) => {
    const literal = rest.trim().replace(/^["']/, '');
    if (!isSecretKey(key) || KEEP_VALUE.test(literal)) return match;
    return `${lead}${quote}${key}${quote}${separator}"${REDACTED}"`;
  };
  return redactText(source.replace(YAML_PAIR, replace).replace(FLOW_PAIR, replace));
}

/** The rule, as the audit states it. */
export const REDACTION_RULE =
  'Values of keys whose names look secret (except booleans and null) and credentials inside strings are replaced by "[redacted]" in every audit format; the history export is verbatim.';
