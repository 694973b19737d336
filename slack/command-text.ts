/**
 * The text after the slash command: `run PLAYBOOK key=value ...`, `status ID`, `list`, `help`. Slack rewrites what
 * people type (e-mail addresses become `<mailto:a@b.c|a@b.c>`, domains links, quotes curly, `&` `&amp;`), so the text
 * is brought back to what was typed before it is split.
 */

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'status'; workflowId: string }
  | { kind: 'run'; playbook: string; inputs: Record<string, string> }
  | { kind: 'invalid'; message: string };

/** Undoes Slack's formatting of message text: links, mentions and HTML entities. */
export function unformatSlackText(text: string): string {
  return (
    text
      // Mentions stand for ids: <@U0BOB|bob>, <#C0RUNS|sec-runs>, <!subteam^S0ONCALL|@oncall> → the id.
      .replace(/<[@#]([UWC][A-Z0-9]+)(?:\|[^<>]*)?>/g, '$1')
      .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^<>]*)?>/g, '$1')
      // Links stand for what was typed: <mailto:a@b.c|a@b.c>, <http://x.com|x.com> → the label.
      .replace(/<(?:mailto:|https?:\/\/)[^<>|]*\|([^<>]*)>/g, '$1')
      .replace(/<mailto:([^<>|]*)>/g, '$1')
      .replace(/<(https?:\/\/[^<>|]*)>/g, '$1')
      .replace(/[\u201C\u201D]/g, '"')
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  );
}

/** Splits on spaces, keeping quoted parts together: `reason="two words"` is one token, `reason=two words`. */
export function tokenize(text: string): string[] | { error: string } {
  const tokens: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inToken = false;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inToken = true;
    } else if (/\s/.test(char)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += char;
      inToken = true;
    }
  }
  if (quote) return { error: `a ${quote} quote is not closed` };
  if (inToken) tokens.push(current);
  return tokens;
}

export function parseCommandText(raw: string): ParsedCommand {
  const tokens = tokenize(unformatSlackText(raw));
  if (!Array.isArray(tokens)) return { kind: 'invalid', message: tokens.error };
  const [verb, ...rest] = tokens;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'list':
      return { kind: 'list' };
    case 'status': {
      if (rest.length !== 1 || !rest[0])
        return { kind: 'invalid', message: 'status takes one run id: `status RUN_ID`' };
      return { kind: 'status', workflowId: rest[0] };
    }
    case 'run': {
      const [playbook, ...pairs] = rest;
      if (!playbook) return { kind: 'invalid', message: 'say which playbook: `run PLAYBOOK name=value ...`' };
      if (playbook.includes('=')) return { kind: 'invalid', message: `the playbook comes first, before ${playbook}` };
      const inputs: Record<string, string> = {};
      for (const pair of pairs) {
        const at = pair.indexOf('=');
        if (at <= 0) return { kind: 'invalid', message: `"${pair}" is not name=value` };
        const name = pair.slice(0, at);
        if (name in inputs) return { kind: 'invalid', message: `input ${name} is given twice` };
        inputs[name] = pair.slice(at + 1);
      }
      return { kind: 'run', playbook, inputs };
    }
    default:
      return { kind: 'invalid', message: `unknown subcommand "${verb}"` };
  }
}
