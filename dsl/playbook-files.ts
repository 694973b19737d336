/**
 * Which files of a playbooks folder are playbooks: `*.yaml` and `*.yml`, but not the playbook tests beside them
 * (`*.test.yaml`), which `cordon test` runs and nothing else may load as a playbook.
 */
export function isPlaybookFileName(name: string): boolean {
  return /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name);
}
