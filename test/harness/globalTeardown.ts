import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__samspilTestDatabase?.stop();
  // The run's database is thrown away with its directory.
  if (globalThis.__samspilTestDatabaseDir) rmSync(globalThis.__samspilTestDatabaseDir, { recursive: true, force: true });
}
