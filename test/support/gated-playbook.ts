/**
 * The playbook most approval tests run, as YAML: read a target, then destroy it behind an approval gate (and, when
 * asked, mark `after` once it is destroyed), so that each test states only what it varies: the gate.
 */
export interface GatedPlaybookOptions {
  id: string;
  /** @default 'Contain a test target' */
  title?: string;
  /** The gate's YAML lines, indented six spaces under `approval:`. */
  approval: string;
  /** The run's subject is the target. */
  subject?: boolean;
  /** One run per target. */
  dedupe?: boolean;
  /** A step `after` that runs once `destroy` has succeeded. */
  after?: boolean;
}

export function gatedPlaybook(options: GatedPlaybookOptions): string {
  const target = '"${{ inputs.target }}"';
  return [
    `id: ${options.id}`,
    `title: ${options.title ?? 'Contain a test target'}`,
    'inputs:',
    '  target: { type: string }',
    ...(options.subject ? [`subject: ${target}`] : []),
    ...(options.dedupe ? [`dedupe: ${target}`] : []),
    'steps:',
    '  - id: prepare',
    '    action: test.read',
    `    with: { target: ${target} }`,
    '  - id: destroy',
    '    action: test.destroy',
    '    needs: [prepare]',
    `    with: { target: ${target} }`,
    '    approval:',
    options.approval,
    ...(options.after
      ? ['  - id: after', '    action: test.mark', '    needs: [destroy]', '    with: { target: after }']
      : []),
    '',
  ].join('\n');
}
