import 'dotenv/config';
import { open, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../core';
import { isDomainError } from '../core/domain/errors';
import { exportCaseAsOperator } from '../core/export/caseExport';
import { renderRefusal } from '../core/i18n';
import { connectDatabase } from '../core/persistence/database';
import { ConfigError, loadConfig } from './config';
import { startEmbeddedFerretdb, StartupError, type EmbeddedDatabase } from './embeddedFerretdb';

/**
 * `npm run export -- fhir --case <id> --out <file> [--professional]`: a case as an HL7 FHIR R4
 * Bundle, for an operator on the server (docs/fhir.md). It connects like the app does: MONGODB_URI
 * if set, else the embedded FerretDB on DATA_DIR. The export is audited with the operator's name.
 */

export const USAGE = 'Usage: npm run export -- fhir --case <case id> --out <file.json> [--professional] [--by "<your name>"]';

export class UsageError extends Error {}

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
  const config = loadConfig(env);
  const out = resolve(command.out);
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedFerretdb({ binary: config.FERRETDB_BIN, dataDir: config.DATA_DIR });
    uri = embedded.uri;
  }
  try {
    const database = await connectDatabase(uri, config.MONGODB_DB);
    try {
      const core = createCore(database.db);
      const login = safeUserName();
      const operator = { id: `operator:${login}`, name: command.by ? `${command.by} (npm run export)` : `${login} (npm run export)` };
      // Special-category personal data: readable by the operator only, never written over, and the
      // file is claimed before the export is made (and audited), so a bad path exports nothing.
      const file = await open(out, 'wx', 0o600);
      try {
        const { bundle, resources } = await exportCaseAsOperator(core, command.caseId, { professional: command.professional }, operator);
        await file.writeFile(`${JSON.stringify(bundle, null, 2)}\n`);
        await file.close();
        return `Exported case ${command.caseId} as FHIR R4 (${resources} resources, ${command.professional ? 'professional receiver: professionals-only content included' : 'family-visible content only'}) to ${out}`;
      } catch (error) {
        await file.close().catch(() => undefined);
        await unlink(out).catch(() => undefined);
        throw error;
      }
    } finally {
      await database.close();
    }
  } finally {
    await embedded?.stop();
  }
}

function safeUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

if (require.main === module) {
  runExport(process.argv.slice(2))
    .then((line) => console.log(line))
    .catch((error: unknown) => {
      if (error instanceof UsageError || error instanceof ConfigError || error instanceof StartupError) console.error(error.message);
      else if (isDomainError(error)) console.error(renderRefusal('en', error.key, error.params));
      else if ((error as NodeJS.ErrnoException)?.code === 'EEXIST') console.error(`${(error as Error).message}: choose another --out, or remove the file first.`);
      else console.error('The export failed:', error);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    });
}
