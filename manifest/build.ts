/**
 * `npm run package`: builds manifest/build/samspil.zip for upload to Teams
 * (Teams admin center > Manage apps > Upload, or Developer Portal).
 * Settings come from the environment or .env; see "Teams app package" in .env.example.
 * Usage: npm run package [-- --out <path.zip>]
 */
import 'dotenv/config';
import { relative, resolve } from 'node:path';
import { buildAppPackage, DEFAULT_OUTPUT, PackageError } from './package';

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const output = outIndex > 0 && process.argv[outIndex + 1] ? resolve(process.argv[outIndex + 1]!) : DEFAULT_OUTPUT;
  const built = await buildAppPackage({ env: process.env, output });
  console.log(`Built ${relative(process.cwd(), built.output) || built.output} (${built.files.join(', ')}).`);
}

main().catch((error: unknown) => {
  // A problem with the inputs is the user's to fix: say what, without a stack trace.
  console.error(error instanceof PackageError ? error.message : `Cannot build the Teams app package: ${String(error)}`);
  process.exit(1);
});
