/** Errors of loading a playbook: every problem of a file, each with the line and column it is about. */

/** One problem in a playbook file; `line` and `column` are 1-based. */
export interface PlaybookIssue {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The step the problem is in, when it is in one. */
  stepId?: string;
}

/** `file:line:column: message`, the form editors and terminals turn into links. */
export function formatIssue(issue: PlaybookIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/** Thrown when a playbook does not parse, fails the schema or the linter; carries every issue of the file. */
export class PlaybookError extends Error {
  override readonly name = 'PlaybookError';
  constructor(readonly issues: PlaybookIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}
