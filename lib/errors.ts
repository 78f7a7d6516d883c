// One error type for everything a user can get wrong: the CLI prints its
// message on one line and exits 2, without a stack trace.
export class UserError extends Error {
  override name = 'UserError';
}

/** One schema lint finding, located precisely enough to fix without searching. */
export interface LintIssue {
  module: string;
  /** "struct ghcb", "layout sev_guest_policy", "group sev_status". */
  item: string;
  field?: string;
  offset?: number;
  rule: string;
  message: string;
}

export function formatLintIssue(i: LintIssue): string {
  const where = [`module ${i.module}`, i.item];
  if (i.field !== undefined) where.push(`field ${i.field}`);
  if (i.offset !== undefined) where.push(`offset 0x${i.offset.toString(16)}`);
  return `${where.join(', ')}: ${i.rule}: ${i.message}`;
}

export class SchemaError extends UserError {
  override name = 'SchemaError';
  constructor(readonly issues: LintIssue[]) {
    super(
      issues.length === 1
        ? `schema: ${formatLintIssue(issues[0]!)}`
        : `schema: ${issues.length} problems:\n  ${issues.map(formatLintIssue).join('\n  ')}`,
    );
  }
}
