import 'dotenv/config';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { copenhagenDate } from '../core/domain/dates';
import type { DueCase, ErasureOutcome } from '../core/gdpr/gdprService';
import { operator, runCli, UsageError, withCliCore } from './cli';

/**
 * `npm run gdpr -- <command>`: a person's rights, for the municipality as data controller
 * (docs/audit.md). It connects like the app does: MONGODB_URI if set, else the embedded FerretDB
 * on DATA_DIR. Every command is audited with the operator's name (`--by`, else the login).
 *
 *   export  --person <id> --out <file>            everything about a person (art. 15): JSON + Danish HTML
 *   erase   --person <id> --instruction <ref>     pseudonymise a person on the controller's instruction
 *   hold    --case <id> --reason <text>           place a legal retention hold on a case
 *   release --case <id> --reason <text>           release it
 *   due     [--years <n>]                         closed cases due for deletion review
 */

export const USAGE = [
  'Usage: npm run gdpr -- <command> [--by "<your name>"]',
  '  export  --person <Entra object ID or Teams user ID> --out <file.json>   (writes <file>.json and <file>.html)',
  '  erase   --person <Entra object ID or Teams user ID> --instruction <the controller\'s reference>',
  '  hold    --case <case id> --reason <why the case must be kept>',
  '  release --case <case id> --reason <why the hold ends>',
  '  due     [--years <retention years, default RETENTION_YEARS>]',
].join('\n');

export type GdprCommand =
  | { command: 'export'; person: string; out: string; by?: string }
  | { command: 'erase'; person: string; instruction: string; by?: string }
  | { command: 'hold' | 'release'; caseId: string; reason: string; by?: string }
  | { command: 'due'; years?: number; by?: string };

export function parseGdprArgs(argv: string[]): GdprCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        person: { type: 'string' },
        out: { type: 'string' },
        instruction: { type: 'string' },
        case: { type: 'string' },
        reason: { type: 'string' },
        years: { type: 'string' },
        by: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { positionals, values: v } = parsed;
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const [command] = positionals;
  const need = (...names: Array<keyof typeof v>) => {
    const missing = names.filter((n) => !v[n]);
    if (missing.length) throw new UsageError(`${missing.map((n) => `--${n}`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required for ${command}.\n${USAGE}`);
  };
  switch (command) {
    case 'export':
      need('person', 'out');
      return { command, person: v.person!, out: v.out!, by: v.by };
    case 'erase':
      need('person', 'instruction');
      return { command, person: v.person!, instruction: v.instruction!, by: v.by };
    case 'hold':
    case 'release':
      need('case', 'reason');
      return { command, caseId: v.case!, reason: v.reason!, by: v.by };
    case 'due': {
      if (v.years !== undefined && !/^\d{1,3}$/.test(v.years)) throw new UsageError(`--years must be a whole number of years.\n${USAGE}`);
      return { command, years: v.years === undefined ? undefined : Number(v.years), by: v.by };
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n${USAGE}`);
  }
}

/** Where an export goes: `x.json` gives x.json and x.html; any other name gets `.json` and `.html` added. */
export function exportFiles(out: string): { json: string; html: string } {
  const path = resolve(out);
  const base = path.toLowerCase().endsWith('.json') ? path.slice(0, -'.json'.length) : path;
  return { json: `${base}.json`, html: `${base}.html` };
}

const day = (at: Date) => copenhagenDate(at);

export function describeDue(due: DueCase[], years: number): string {
  if (due.length === 0) return `No closed case is due for deletion review (RETENTION_YEARS=${years}). Nothing was deleted.`;
  const lines = due.map(
    (c) =>
      `  case ${c.caseId}  closed ${day(c.closedAt)}  review due ${c.reviewDueOn}  coordinator ${c.coordinatorName || '–'} (${c.coordinatorId || 'vacant'})  hold: ${c.hold ? `${c.hold.reason} (since ${day(c.hold.at)}, ${c.hold.byName})` : 'none'}`,
  );
  return [`${due.length} closed case(s) due for deletion review (RETENTION_YEARS=${years}):`, ...lines, 'Nothing was deleted: deleting a case needs the controller\'s instruction.'].join('\n');
}

export function describeErasure(person: string, instruction: string, outcome: ErasureOutcome): string {
  if (outcome.status === 'nothing') {
    const earlier = outcome.previous.map((job) => `  erased ${job.finishedAt ? day(job.finishedAt) : '?'} under instruction "${job.instruction}" by ${job.byName} (pseudonym ${job.pseudonym})`);
    return [`Nothing in the database names ${person}; nothing was changed.`, ...earlier].join('\n');
  }
  const c = outcome.counts;
  return [
    `${outcome.resumed ? 'Finished the unfinished erasure of' : 'Erased'} ${person} under instruction "${instruction}": pseudonym ${outcome.pseudonym}.`,
    `  ${c.cases} case(s), ${c.historyEntries} history entries and ${c.accessEntries} access-log entries redacted (each case's chain records the erasure), ${c.documents} other document(s) rewritten.`,
    '  The hash chains still verify: npm run audit -- verify',
  ].join('\n');
}

async function claim(path: string): Promise<FileHandle> {
  return open(path, 'wx', 0o600);
}

/** Runs one command; returns what to print and the exit code. Throws UsageError, ConfigError, StartupError or a DomainError. */
export async function runGdpr(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ output: string; exitCode: number }> {
  const command = parseGdprArgs(argv);
  const by = operator('gdpr', command.by);
  return withCliCore(env, async (core, config) => {
    switch (command.command) {
      case 'export': {
        // Special-category personal data: readable by the operator only, never written over, and
        // both files are claimed before the export is made (and audited), so a bad path exports nothing.
        const files = exportFiles(command.out);
        const json = await claim(files.json);
        let html: FileHandle | undefined;
        try {
          html = await claim(files.html);
          const result = await core.gdpr.exportPerson(command.person, by, { professionalContent: config.GDPR_EXPORT_PROFESSIONAL_CONTENT });
          await json.writeFile(`${JSON.stringify(result.export, null, 2)}\n`);
          await html.writeFile(result.html);
          await Promise.all([json.close(), html.close()]);
          const scope = result.export.professionalContent.included ? 'professionals-only content included (GDPR_EXPORT_PROFESSIONAL_CONTENT=true)' : 'professionals-only content left out (GDPR_EXPORT_PROFESSIONAL_CONTENT=false)';
          return { output: `Exported the data about ${command.person} from ${result.export.cases.length} case(s), ${scope}, to ${files.json} and ${files.html}`, exitCode: 0 };
        } catch (error) {
          await json.close().catch(() => undefined);
          await html?.close().catch(() => undefined);
          await unlink(files.json).catch(() => undefined);
          if (html) await unlink(files.html).catch(() => undefined);
          throw error;
        }
      }
      case 'erase': {
        const outcome = await core.gdpr.erase(command.person, command.instruction, by);
        return { output: describeErasure(command.person, command.instruction, outcome), exitCode: 0 };
      }
      case 'hold': {
        const { changed } = await core.gdpr.placeHold(command.caseId, command.reason, by);
        return { output: changed ? `Case ${command.caseId} is under a retention hold: ${command.reason}. Erasure touching it is refused until the hold is released.` : `Case ${command.caseId} was already under this hold; nothing changed.`, exitCode: 0 };
      }
      case 'release': {
        const { changed } = await core.gdpr.releaseHold(command.caseId, command.reason, by);
        return { output: changed ? `The retention hold on case ${command.caseId} is released: ${command.reason}.` : `Case ${command.caseId} has no retention hold; nothing changed.`, exitCode: 0 };
      }
      case 'due': {
        const years = command.years ?? config.RETENTION_YEARS;
        const { due, unfinishedErasures } = await core.gdpr.dueForReview(by, { retentionYears: years });
        const warnings = unfinishedErasures.map((job) => `WARNING: the erasure "${job.instruction}" (pseudonym ${job.pseudonym}) started ${day(job.startedAt)} did not finish; run the same erase command again to finish it.`);
        return { output: [describeDue(due, years), ...warnings].join('\n'), exitCode: unfinishedErasures.length ? 1 : 0 };
      }
    }
  });
}

if (require.main === module) {
  runCli(async () => {
    try {
      return await runGdpr(process.argv.slice(2));
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== 'EEXIST') throw error;
      return { output: `${(error as Error).message}: choose another --out, or remove the file first.`, exitCode: 1 };
    }
  });
}
