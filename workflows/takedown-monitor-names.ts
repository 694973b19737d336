/**
 * The takedown monitor's signal name, alone in a module: the `takedown.monitor` action's spec names it, and the spec
 * must not import the monitor's messages (their types come from the monitor's state, which takes its types from the
 * takedown specs: a cycle).
 */

/** Sent by a later run whose `takedown.monitor` step finds this domain's monitor already running. */
export const TAKEDOWN_MONITOR_JOIN_SIGNAL = 'takedownMonitorJoin';
