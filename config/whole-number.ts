/** Reading a variable that holds a whole number, shared by the sections that take counts, sizes and milliseconds. */
import { ConfigError } from './config-error';

/** The variable's whole number (digits only), or undefined when it is unset or empty; anything else is refused. */
export function wholeNumber<Name extends string>(
  env: { readonly [Key in Name]?: string | undefined },
  name: Name,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}
