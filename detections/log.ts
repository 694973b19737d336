/**
 * The receiver's log: one JSON object per line, so every refusal and every started run can be searched by field. Entries
 * carry event ids, types, sources and reasons; never a body, a signature or an Authorization header.
 */

export type HookLogLevel = 'info' | 'warn' | 'error';

export interface HookLogEntry {
  level: HookLogLevel;
  /** A short fixed message (`hook refused`, `hook event`), so lines group by what happened. */
  msg: string;
  [field: string]: unknown;
}

export type HookLog = (entry: HookLogEntry) => void;

/** A `HookLog` that writes one JSON line per entry, with a timestamp. */
export function jsonLineLog(write: (line: string) => void = (line) => console.log(line)): HookLog {
  return (entry) => write(JSON.stringify({ time: new Date().toISOString(), component: 'hooks', ...entry }));
}
