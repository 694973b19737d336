/** Starts the SMTP stand-in on its own and prints each message it receives: `npx tsx stand-ins/smtp/main.ts [port]`. */
import { startSmtpStandIn } from './server';

const smtp = await startSmtpStandIn({ port: Number(process.argv[2]) || undefined });
console.log(`SMTP stand-in on ${smtp.host}:${smtp.port}; SMTP_HOST=${smtp.host} SMTP_PORT=${smtp.port}`);
let shown = 0;
for (;;) {
  await smtp.waitFor(shown + 1, 3_600_000).catch(() => smtp.messages);
  for (const mail of smtp.messages.slice(shown)) {
    console.log(`\n--- to ${mail.envelope.to.join(', ')}: ${mail.subject}\n${mail.text ?? ''}`);
  }
  shown = smtp.messages.length;
}
