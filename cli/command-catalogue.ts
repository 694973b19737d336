/**
 * Every `cordon` command, in the order `cordon help` lists them, with its one-line summary. This is the one place a
 * summary is written: the help reads it here without loading a command's module (which may load Temporal, Okta or
 * Bolt), and each command object takes its own from here through `defineCommand` (see `command.ts`).
 */
export const COMMAND_SUMMARIES = {
  up: 'Run the local Temporal dev server (persistent, with its Web UI) and a worker, until Ctrl-C.',
  run: 'Start a playbook and follow it until it ends or waits for an approval.',
  plan: 'Dry run: run the reads of a playbook and say what each state-changing step would change, changing nothing.',
  status: 'Show the steps, approvals and alerts of a run, or what a takedown monitor has done.',
  list: 'List runs, newest first (filter with a Temporal visibility query).',
  approve: 'Approve a step waiting for approval, signed with your key (cordon keys init).',
  reject: 'Reject a step (a reason is required), signed with your key.',
  keys: 'Make (init) or print (show) your key for signing approvals from the command line.',
  cancel: 'Cancel a run: running steps are stopped, nothing new starts.',
  pause: 'Kill switch: refuse every state-changing action (reads still run) until `cordon resume`.',
  resume: 'Turn the kill switch off: state-changing actions run again.',
  limits: 'Show the governor limits and their use, or raise or lower one: limits set LIMIT COUNT --reason TEXT.',
  retry: 'Start a recorded continuation of a finished run over just the items it did not complete.',
  undo: 'Undo every change a finished run made, newest first, as its own approved run; changes made since are left alone.',
  validate: 'Check playbooks: schema, references, cycles, expressions, approval gates. Prints every error.',
  test: 'Run the playbook tests written in YAML (*.test.yaml) on an embedded dev server; --json for a report.',
  schema: 'Print the playbook JSON Schema (for editor completion, e.g. yaml-language-server).',
  actions: 'List the actions playbooks can use: name, impact, inputs, undo.',
  demo: 'Contain a phished account end to end (embedded dev server, local Okta, real SDK), or with `takedown`, take down a phishing domain on the local stand-ins; no credentials needed.',
  audit: 'Audit a run from its history: timeline, approvals, inputs and outputs (text, JSON or a sealed HTML report).',
  export: "Export a run's workflow history as JSON (Temporal CLI format, with its sha256), for replay and archives.",
  replay: "Replay run histories against today's workflow code; exits 1 if any diverges (a determinism check).",
  detections:
    'List the detections each playbook listens for (`list`), or say which playbooks a saved event would start (`test`).',
  triggers: 'Deprecated alias of `cordon detections list`.',
  hooks: 'Deprecated alias of `cordon detections test`.',
  config: 'Check the configuration (every problem at once) and print the effective one, secrets masked (`check`).',
  serve: 'Serve Slack (slash command, approval buttons) and the detection hooks over HTTP, until Ctrl-C.',
  'codec-server':
    "Serve Temporal's codec protocol over the payload codec, for the Web UI and CLI (bearer token), until Ctrl-C.",
} as const;

/** The name of a `cordon` command: the compiler refuses a command, or a loader, that the catalogue does not list. */
export type CommandName = keyof typeof COMMAND_SUMMARIES;
