import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedFerretdb, type EmbeddedDatabase } from '../../app/embeddedFerretdb';

declare global {
  var __samspilTestDatabase: EmbeddedDatabase | undefined;
  var __samspilTestDatabaseDir: string | undefined;
}

/**
 * One fresh FerretDB per test run, on a free loopback port, in a throw-away directory.
 * Set TEST_MONGODB_URI to run the suite against another MongoDB server instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) {
    process.env.SAMSPIL_TEST_MONGODB_URI = process.env.TEST_MONGODB_URI;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'samspil-test-db-'));
  const database = await startEmbeddedFerretdb({ binary: join(__dirname, '..', '..', '.tools', 'bin', 'ferretdb'), dataDir });
  globalThis.__samspilTestDatabase = database;
  globalThis.__samspilTestDatabaseDir = dataDir;
  process.env.SAMSPIL_TEST_MONGODB_URI = database.uri;
}
