import { userInfo } from 'node:os';
import { createCore, type Core } from '../core';
import { isDomainError } from '../core/domain/errors';
import { renderRefusal } from '../core/i18n';
import { connectDatabase } from '../core/persistence/database';
import { ConfigError, loadConfig, type Config } from './config';
import { startEmbeddedFerretdb, StartupError, type EmbeddedDatabase } from './embeddedFerretdb';

/** A command line that was not understood: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** The person at the server's console, as the audit trail names them. */
export interface Operator {
  id: string;
  name: string;
}

export function operator(command: string, by?: string): Operator {
  let login = 'unknown';
  try {
    login = userInfo().username || 'unknown';
  } catch {
    // No user database (some containers): the audit trail says "unknown".
  }
  return { id: `operator:${login}`, name: `${by ?? login} (npm run ${command})` };
}

/**
 * Runs `work` against the same database the app uses: MONGODB_URI if set, else the embedded
 * FerretDB on DATA_DIR (started for the command and stopped after it).
 */
export async function withCliCore<T>(env: NodeJS.ProcessEnv, work: (core: Core, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedFerretdb({ binary: config.FERRETDB_BIN, dataDir: config.DATA_DIR });
    uri = embedded.uri;
  }
  try {
    const database = await connectDatabase(uri, config.MONGODB_DB);
    try {
      return await work(createCore(database.db), config);
    } finally {
      await database.close();
    }
  } finally {
    await embedded?.stop();
  }
}

/** Prints the outcome of a command and sets its exit code: 0 done, 1 failed or found a problem, 2 usage. */
export function runCli(run: () => Promise<{ output: string; exitCode: number }>): void {
  run()
    .then(({ output, exitCode }) => {
      console.log(output);
      process.exitCode = exitCode;
    })
    .catch((error: unknown) => {
      if (error instanceof UsageError || error instanceof ConfigError || error instanceof StartupError) console.error(error.message);
      else if (isDomainError(error)) console.error(renderRefusal('en', error.key, error.params));
      else console.error('The command failed:', error);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    });
}
