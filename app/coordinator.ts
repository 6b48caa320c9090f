import 'dotenv/config';
import { parseArgs } from 'node:util';
import { operator, runCli, UsageError, withCliCore } from './cli';

/**
 * `npm run coordinator -- left --case <id> [--note "<text>"] [--by "<your name>"]`: records that the
 * case's coordinator has left (their account was closed without leaving the case's chat, say). They
 * leave the case, the case has no coordinator, and every active professional is asked to take over
 * through the reminders: a card today if it is a working day within the sending hours (otherwise the
 * next working morning), then once a working day until someone takes over (docs/handover.md).
 * Audited with the operator's name.
 */

export const USAGE = 'Usage: npm run coordinator -- left --case <case id> [--note "<why>"] [--by "<your name>"]';

export interface CoordinatorCommand {
  caseId: string;
  note?: string;
  by?: string;
}

export function parseCoordinatorArgs(argv: string[]): CoordinatorCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { case: { type: 'string' }, note: { type: 'string' }, by: { type: 'string' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'left') throw new UsageError(`The only command is "left".\n${USAGE}`);
  if (!values.case) throw new UsageError(`--case is required.\n${USAGE}`);
  return { caseId: values.case, note: values.note, by: values.by };
}

/** Runs the command; returns the line to print. Throws UsageError, ConfigError, StartupError or a DomainError. */
export async function runCoordinator(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const command = parseCoordinatorArgs(argv);
  return withCliCore(env, async (core) => {
    const kase = await core.handover.find(command.caseId);
    if (!kase) return `No case ${command.caseId}.`;
    if (!kase.coordinatorId || kase.coordinatorState === 'vacant') return `Case ${command.caseId} has no coordinator already; its professionals are being asked to take over.`;
    const by = operator('coordinator', command.by);
    const result = await core.handover.vacate({ userId: by.id, name: by.name }, kase._id, kase.coordinatorId, 'operator', command.note);
    if (!result) return `Case ${command.caseId} is closed, or its coordinator changed meanwhile: nothing was changed.`;
    // This process has no bot: the professionals are asked through the reminders, which any running instance sends.
    const planned = await core.reminders.coordinatorChanged(kase._id, { previousId: result.value.previousId, announce: true });
    const asked = core.handover.askedToTakeOver(result.kase).map((m) => m.name);
    return [
      `Recorded that ${result.value.previousName} has left case ${kase._id}; the case has no coordinator.`,
      asked.length
        ? `Asked to take over (${planned > 0 ? 'a card goes out with the next reminder sweep' : 'with the next working day’s reminders'}): ${asked.join(', ')}.`
        : 'The case has no active professional to ask: add one before anything else can happen.',
    ].join('\n');
  });
}

if (require.main === module) {
  runCli(async () => ({ output: await runCoordinator(process.argv.slice(2)), exitCode: 0 }));
}
