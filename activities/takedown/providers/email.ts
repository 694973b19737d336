/** Reports by e-mail to abuse contacts, over SMTP with nodemailer. */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { TakedownConfig } from '../../../config/takedown';
import { ActionError, FAILURE_TYPES } from '../../errors';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Set by us, deterministically, so a resend after a crash is recognisably the same message. */
  messageId: string;
  /** The Message-ID of the report a reminder follows up, so it lands in the same ticket. */
  inReplyTo?: string;
  attachments?: { filename: string; content: string; contentType: string }[];
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

type SmtpSettings = NonNullable<TakedownConfig['smtp']>;

function smtpFailure(error: unknown, message: MailMessage, smtp: SmtpSettings): ActionError {
  const info = error instanceof Error ? error : new Error(String(error));
  const code = 'code' in info ? String(info.code) : '';
  const responseCode = 'responseCode' in info && typeof info.responseCode === 'number' ? info.responseCode : undefined;
  const where = `SMTP ${smtp.host}:${smtp.port}`;
  if (code === 'EAUTH') {
    return new ActionError(FAILURE_TYPES.forbidden, `${where} refused our login: ${info.message}`, { cause: error });
  }
  if (code === 'EENVELOPE' && responseCode !== undefined && responseCode >= 500) {
    return new ActionError(
      FAILURE_TYPES.notFound,
      `${where} rejected the abuse address ${message.to}: ${info.message}`,
      {
        cause: error,
      },
    );
  }
  return new ActionError(
    FAILURE_TYPES.unavailable,
    `sending to ${message.to} through ${where} failed: ${info.message}`,
    {
      cause: error,
    },
  );
}

export function createSmtpMailer(smtp: SmtpSettings, from: { name: string; email: string }): Mailer {
  const options: SMTPTransport.Options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
    // Bounded, so a dead mail server fails the attempt (and it is retried) instead of holding the step.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: { name: from.name, address: smtp.from },
          replyTo: from.email,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          inReplyTo: message.inReplyTo,
          references: message.inReplyTo,
          attachments: message.attachments,
          headers: message.headers,
        });
        return { messageId: info.messageId };
      } catch (error) {
        throw smtpFailure(error, message, smtp);
      }
    },
    close: () => transport.close(),
  };
}
