/** The JSON audit: the model as it is (already validated against `auditSchema` and redacted), pretty-printed. */
import type { Audit } from './model';

export function renderJson(audit: Audit | readonly Audit[]): string {
  return `${JSON.stringify(audit, null, 2)}\n`;
}
