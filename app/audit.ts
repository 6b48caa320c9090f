import 'dotenv/config';
import { parseArgs } from 'node:util';
import type { VerificationRecord } from '../core/audit/verifier';
import { operator, runCli, UsageError, withCliCore } from './cli';

/**
 * `npm run audit -- verify [--case <id>]`: walks the hash chains of the history and of the access
 * log (docs/audit.md). Exit code 0 when every chain is intact; 1 with the first broken entry of each
 * broken chain named. The run is kept, and `/healthz/audit` shows the newest.
 */

export const USAGE = 'Usage: npm run audit -- verify [--case <case id>]';

const REASONS: Record<string, string> = {
  gap: 'missing (deleted, or moved elsewhere in the chain)',
  link: 'does not follow the entry before it (reordered or inserted)',
  envelope: 'its type, time, position or key was changed',
  content: 'its content (who, or what) was changed',
  redaction: 'marked as erased without an erasure event',
  head: 'the newest entries are missing (the chain was cut short)',
};

export function parseAuditArgs(argv: string[]): { caseId?: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { case: { type: 'string' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'verify') throw new UsageError(USAGE);
  return { caseId: parsed.values.case };
}

export function describeRun(run: VerificationRecord): string {
  const scope = run.scope === 'all' ? `${run.cases} cases` : `case ${run.scope.caseId}`;
  if (run.ok) return `Audit trail intact: ${run.entries} entries in ${scope} verified (digest ${run.digest}).`;
  const lines = run.broken.map((b) => `  case ${b.caseId} (${b.log === 'events' ? 'history' : 'access log'}): first broken entry ${b.entryId} (#${b.seq}) – ${REASONS[b.reason] ?? b.reason}`);
  return [`Audit trail BROKEN in ${run.broken.length} chain(s) of ${scope}:`, ...lines].join('\n');
}

export async function runAudit(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ output: string; exitCode: number; run: VerificationRecord }> {
  const { caseId } = parseAuditArgs(argv);
  return withCliCore(env, async (core) => {
    const run = await core.verifier.verify({ caseId, by: operator('audit').id });
    return { output: describeRun(run), exitCode: run.ok ? 0 : 1, run };
  });
}

if (require.main === module) runCli(() => runAudit(process.argv.slice(2)));
