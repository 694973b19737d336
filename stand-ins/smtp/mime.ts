/**
 * Just enough MIME (RFC 2045–2047) to assert on what was mailed: unfolded headers with encoded words decoded, the text
 * and HTML bodies and attachments of (nested) multipart messages, base64 and quoted-printable undone.
 */

export interface MimePart {
  headers: Record<string, string>;
  contentType: string;
  /** Parameters of Content-Type and Content-Disposition (`boundary`, `charset`, `filename`). */
  params: Record<string, string>;
  body: Buffer;
}

export interface ParsedMail {
  /** Lower-cased names; a repeated header keeps its first value. */
  headers: Record<string, string>;
  subject: string;
  messageId?: string;
  text?: string;
  html?: string;
  attachments: { filename: string; contentType: string; content: string }[];
}

function decodeQuotedPrintable(text: string, inHeader = false): Buffer {
  const source = inHeader ? text.replace(/_/g, ' ') : text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const hex = source.slice(i + 1, i + 3);
    if (source[i] === '=' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(source[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** Decodes `=?charset?B|Q?text?=` words; adjacent encoded words join without the space between them. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_word, _charset: string, encoding: string, text: string) =>
      (encoding.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text, true)).toString(
        'utf8',
      ),
    );
}

function splitHead(raw: Buffer): { head: string; body: Buffer } {
  const text = raw.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { head: text, body: Buffer.alloc(0) };
  return { head: text.slice(0, match.index), body: raw.subarray(match.index + match[0].length) };
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= decodeWords(Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
  }
  return headers;
}

function parseParams(value: string | undefined): { value: string; params: Record<string, string> } {
  const [main = '', ...rest] = (value ?? '').split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq > 0)
      params[part.slice(0, eq).trim().toLowerCase()] = part
        .slice(eq + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  return { value: main.trim().toLowerCase(), params };
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body.toString('latin1'));
    default:
      return body;
  }
}

/** The leaf parts of a message, multipart containers flattened. */
export function mimeParts(raw: Buffer): MimePart[] {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const type = parseParams(headers['content-type'] ?? 'text/plain');
  const disposition = parseParams(headers['content-disposition']);
  const boundary = type.params.boundary;
  if (type.value.startsWith('multipart/') && boundary) {
    const text = body.toString('latin1');
    const sections = text.split(
      new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`),
    );
    // The first section is the preamble and the last the epilogue.
    return sections
      .slice(1, -1)
      .filter((section) => section.trim() !== '')
      .flatMap((section) => mimeParts(Buffer.from(section, 'latin1')));
  }
  return [
    {
      headers,
      contentType: type.value,
      params: { ...type.params, ...disposition.params },
      body: decodeBody(body, headers['content-transfer-encoding']),
    },
  ];
}

export function parseMail(raw: Buffer): ParsedMail {
  const headers = parseHeaders(splitHead(raw).head);
  const mail: ParsedMail = {
    headers,
    subject: headers.subject ?? '',
    messageId: headers['message-id'],
    attachments: [],
  };
  for (const part of mimeParts(raw)) {
    const isAttachment =
      /attachment/i.test(part.headers['content-disposition'] ?? '') || part.params.filename !== undefined;
    const content = part.body.toString('utf8');
    if (isAttachment)
      mail.attachments.push({ filename: part.params.filename ?? 'unnamed', contentType: part.contentType, content });
    else if (part.contentType === 'text/html') mail.html ??= content;
    else if (part.contentType === 'text/plain') mail.text ??= content;
  }
  return mail;
}
