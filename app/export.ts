import 'dotenv/config';
import { open, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { operator, runCli, UsageError, withCliCore } from './cli';

/**
 * `npm run export -- fhir --case <id> --out <file> [--professional]`: a case as an HL7 FHIR R4
 * Bundle, for an operator on the server (docs/fhir.md). It connects like the app does: MONGODB_URI
 * if set, else the embedded FerretDB on DATA_DIR. The export is audited with the operator's name.
 */

export const USAGE = 'Usage: npm run export -- fhir --case <case id> --out <file.json> [--professional] [--by "<your name>"]';

export interface ExportCommand {
  caseId: string;
  out: string;
  professional: boolean;
  by?: string;
}

export function parseExportArgs(argv: string[]): ExportCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { case: { type: 'string' }, out: { type: 'string' }, professional: { type: 'boolean', default: false }, by: { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'fhir') throw new UsageError(`The only export format is "fhir".\n${USAGE}`);
  if (!values.case || !values.out) throw new UsageError(`--case and --out are required.\n${USAGE}`);
  return { caseId: values.case, out: values.out, professional: values.professional ?? false, by: values.by };
}

/** Runs one export; returns the line to print. Throws UsageError, ConfigError, StartupError or a DomainError. */
export async function runExport(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const command = parseExportArgs(argv);
  const out = resolve(command.out);
  return withCliCore(env, async (core) => {
    // Special-category personal data: readable by the operator only, never written over, and the
    // file is claimed before the export is made (and audited), so a bad path exports nothing.
    const file = await open(out, 'wx', 0o600);
    try {
      const { bundle, resources } = await core.exports.asOperator(command.caseId, { professional: command.professional }, operator('export', command.by));
      await file.writeFile(`${JSON.stringify(bundle, null, 2)}\n`);
      await file.close();
      return `Exported case ${command.caseId} as FHIR R4 (${resources} resources, ${command.professional ? 'professional receiver: professionals-only content included' : 'family-visible content only'}) to ${out}`;
    } catch (error) {
      await file.close().catch(() => undefined);
      await unlink(out).catch(() => undefined);
      throw error;
    }
  });
}

if (require.main === module) {
  runCli(async () => {
    try {
      return { output: await runExport(process.argv.slice(2)), exitCode: 0 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== 'EEXIST') throw error;
      return { output: `${(error as Error).message}: choose another --out, or remove the file first.`, exitCode: 1 };
    }
  });
}
