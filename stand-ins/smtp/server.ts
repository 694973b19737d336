/**
 * A local SMTP server (`smtp-server` on 127.0.0.1) that keeps every message it accepts, with its envelope and parsed
 * headers, text and attachments, for tests to assert on. It can require a login, reject addresses, and refuse the next
 * messages with a temporary failure.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime';

export interface ReceivedMail extends ParsedMail {
  envelope: { from: string; to: string[] };
  /** The login used, when there was one. */
  user?: string;
  raw: string;
  receivedAt: Date;
}

export interface SmtpStandIn {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMail[];
  /** Messages with this recipient in the envelope. */
  messagesTo(address: string): ReceivedMail[];
  /** Recipients answered with 550 (no such mailbox). */
  rejectRecipient(address: string): void;
  /** The next `count` messages get `451` after DATA: a temporary failure the sender retries. */
  failNext(count: number): void;
  /** Resolves when `count` messages in all have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startSmtpStandIn(
  options: { port?: number; auth?: { user: string; pass: string } } = {},
): Promise<SmtpStandIn> {
  const messages: ReceivedMail[] = [];
  const rejected = new Set<string>();
  const waiters: (() => void)[] = [];
  let failures = 0;

  const server = new SMTPServer({
    // Plain text on loopback: no certificate to manage, and the client's STARTTLS stays untested on purpose.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass)
        callback(null, { user: auth.username });
      else callback(new SmtpReply(535, 'Authentication failed'));
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) callback(new SmtpReply(550, `No such user: ${address.address}`));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          callback(new SmtpReply(451, 'Temporary local problem, try again later'));
          return;
        }
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom;
        messages.push({
          ...parseMail(raw),
          envelope: { from: from ? from.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
          user: typeof session.user === 'string' ? session.user : undefined,
          raw: raw.toString('utf8'),
          receivedAt: new Date(),
        });
        waiters.splice(0).forEach((wake) => wake());
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    messagesTo: (address) =>
      messages.filter((mail) => mail.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase())),
    rejectRecipient: (address) => rejected.add(address.toLowerCase()),
    failNext: (count) => {
      failures = count;
    },
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SMTP stand-in: ${messages.length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
