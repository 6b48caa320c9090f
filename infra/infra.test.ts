import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, loadConfig, SECRET_SETTINGS } from '../app/config';
import { packageSettingsSchema } from '../manifest/package';

/**
 * Offline checks of the deployment files (there is no az CLI or Docker engine here): the Bicep
 * template's app settings are settings the app reads and accepts, .env.example documents every
 * setting, and the container files point at things that exist.
 */

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const bicep = read('infra/main.bicep');
const dockerfile = read('infra/Dockerfile');
const compose = read('infra/compose.yaml');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string>; engines: { node: string } };
const configKeys = Object.keys(configSchema.shape);

/** Settings App Service or Application Insights read, not Samspil. */
const PLATFORM_SETTINGS = ['APPLICATIONINSIGHTS_CONNECTION_STRING', 'ApplicationInsightsAgent_EXTENSION_VERSION', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'WEBSITE_RUN_FROM_PACKAGE'];

interface BicepParam {
  name: string;
  type: string;
  defaultValue?: string;
  allowed?: string[];
  secure: boolean;
}

/** `param` declarations with their decorators (@secure, @allowed) and defaults. */
function bicepParams(source: string): Map<string, BicepParam> {
  const params = new Map<string, BicepParam>();
  const lines = source.split('\n');
  let decorators: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('@')) {
      let block = line;
      if (line.startsWith('@allowed([')) {
        while (!lines[i]!.includes('])')) block += `\n${lines[++i]!.trim()}`;
      }
      decorators.push(block);
      continue;
    }
    const match = /^param (\w+) (\w+)(?: = (.+))?$/.exec(line);
    if (match) {
      const allowedBlock = decorators.find((d) => d.startsWith('@allowed'));
      params.set(match[1]!, {
        name: match[1]!,
        type: match[2]!,
        defaultValue: match[3],
        allowed: allowedBlock ? [...allowedBlock.matchAll(/'([^']*)'/g)].map((m) => m[1]!) : undefined,
        secure: decorators.includes('@secure()'),
      });
    }
    if (line !== '' && !line.startsWith('//')) decorators = [];
  }
  return params;
}

/** The web app's `appSettings: [ { name: 'X', value: … } ]` entries, value as written in Bicep. */
function appSettings(source: string): Map<string, string> {
  const block = /appSettings: \[([\s\S]*?)\n\s*\]/.exec(source)?.[1] ?? '';
  return new Map([...block.matchAll(/\{ name: '([^']+)', value: (.+) \}/g)].map((m) => [m[1]!, m[2]!]));
}

const params = bicepParams(bicep);
const settings = appSettings(bicep);

/** What a Bicep value becomes at deployment, for the checks: literals as written, parameters by their default or a sample. */
function deployedValue(expression: string): string {
  const literal = /^'([^'$]*)'$/.exec(expression);
  if (literal) return literal[1]!;
  if (expression.includes('@Microsoft.KeyVault(')) return 'from-key-vault';
  const param = params.get(expression);
  if (param) {
    const fallback = param.defaultValue && /^'[^']*'$/.test(param.defaultValue) ? param.defaultValue.slice(1, -1) : undefined;
    return fallback ?? '0b8f3c1e-7d2a-4c9b-9e5f-1a2b3c4d5e6f';
  }
  if (expression.startsWith("'api://")) return 'api://samspil.example.dk/0b8f3c1e-7d2a-4c9b-9e5f-1a2b3c4d5e6f';
  return 'computed-at-deployment';
}

describe('Azure template (infra/main.bicep)', () => {
  test('every app setting is one the app reads (app/config.ts) or a documented platform setting', () => {
    expect(settings.size).toBeGreaterThan(10);
    const unknown = [...settings.keys()].filter((name) => !configKeys.includes(name) && !PLATFORM_SETTINGS.includes(name));
    expect(unknown).toEqual([]);
  });

  test('sets what production needs: the database, the bot credentials, the tab and case channels', () => {
    for (const name of ['NODE_ENV', 'MONGODB_URI', 'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'TAB_CLIENT_ID', 'TAB_CLIENT_SECRET', 'TAB_ALLOWED_TENANTS', 'CASE_CHANNELS']) {
      expect(settings.has(name)).toBe(true);
    }
    expect(settings.get('NODE_ENV')).toBe("'production'");
  });

  test('secrets come from Key Vault references, never as plain values', () => {
    const secrets = [...SECRET_SETTINGS, 'TAB_CLIENT_SECRET'].filter((name) => settings.has(name));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const name of secrets) expect(settings.get(name)).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\.properties\.secretUri\}\)'$/);
    for (const param of ['botAppPassword', 'mongoDbUri', 'mongoAdminPassword']) expect(params.get(param)?.secure).toBe(true);
    expect(bicep).not.toMatch(/output \w+ string = .*(Password|mongoDbUri|cosmosUri)/);
  });

  test('the app starts with the settings the template gives it (validated by the app\'s own schema)', () => {
    const env: Record<string, string> = {};
    for (const [name, expression] of settings) if (configKeys.includes(name)) env[name] = deployedValue(expression);
    env.MONGODB_URI = 'mongodb+srv://user:pw@cluster.mongocluster.cosmos.azure.com/';
    expect(() => loadConfig(env)).not.toThrow();
    // Every choice the template offers for case channels is one the app accepts.
    for (const mode of params.get('caseChannels')!.allowed!) expect(configSchema.shape.CASE_CHANNELS.safeParse(mode).success).toBe(true);
    expect(params.get('caseChannels')!.allowed!.sort()).toEqual([...configSchema.shape.CASE_CHANNELS.removeDefault().options].sort());
  });

  test('everything with a region is in an EU region by default; the bot registration is global', () => {
    const location = params.get('location')!;
    expect(location.defaultValue).toBe("'swedencentral'");
    expect(location.allowed).toEqual(['swedencentral', 'westeurope', 'northeurope', 'germanywestcentral', 'francecentral', 'italynorth', 'polandcentral', 'spaincentral']);
    const locations = [...bicep.matchAll(/^\s+location: (.+)$/gm)].map((m) => m[1]);
    expect(new Set(locations)).toEqual(new Set(['location', "'global'"]));
  });

  test('runs Node 20 on Linux with the start command the project uses, behind /healthz', () => {
    expect(bicep).toContain("linuxFxVersion: 'NODE|20-lts'");
    expect(pkg.engines.node).toMatch(/^>=20/);
    const command = /appCommandLine: '([^']+)'/.exec(bicep)![1]!;
    expect(command).toBe('node --import tsx app/main.ts');
    expect(existsSync(join(ROOT, 'app/main.ts'))).toBe(true);
    expect(pkg.dependencies.tsx).toBeDefined(); // the deployment has no dev dependencies
    expect(bicep).toContain("healthCheckPath: '/healthz'");
  });

  test('has the Azure Bot with the Teams channel pointing at the app, a database, Key Vault and Application Insights', () => {
    for (const type of ['Microsoft.BotService/botServices@', 'Microsoft.BotService/botServices/channels@', 'Microsoft.DocumentDB/mongoClusters@', 'Microsoft.KeyVault/vaults@', 'Microsoft.Insights/components@', 'Microsoft.Web/sites@', 'Microsoft.Web/serverfarms@']) {
      expect(bicep).toContain(`'${type}`);
    }
    expect(bicep).toContain("name: 'MsTeamsChannel'");
    expect(bicep).toContain("endpoint: 'https://${appDomain}/api/messages'");
    expect(params.get('databaseMode')!.allowed).toEqual(['cosmos', 'external']);
  });

  test('the example parameters file only sets declared parameters and covers every required, non-secret one', () => {
    const file = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const given = Object.keys(file.parameters);
    expect(given.filter((name) => !params.has(name))).toEqual([]);
    const required = [...params.values()].filter((p) => p.defaultValue === undefined && !p.secure).map((p) => p.name);
    expect(required.filter((name) => !given.includes(name))).toEqual([]);
    expect(params.get('location')!.allowed).toContain(file.parameters.location!.value);
  });
});

describe('.env.example', () => {
  const documented = [...read('.env.example').matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!);

  test('documents every setting the app reads', () => {
    expect(configKeys.filter((key) => !documented.includes(key))).toEqual([]);
  });

  test('documents nothing the app or the package build does not read', () => {
    const known = [...configKeys, ...Object.keys(packageSettingsSchema.shape)];
    expect(documented.filter((key) => !known.includes(key))).toEqual([]);
  });
});

describe('container files', () => {
  test('the Dockerfile uses Node 20, skips the FerretDB build and refers only to scripts and files that exist', () => {
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(dockerfile).toMatch(/npm ci --ignore-scripts/);
    const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    expect(instructions).not.toMatch(/ferretdb|golang|go install/i);
    for (const [, script, flags] of dockerfile.matchAll(/npm run ([\w:-]+)((?: --[\w-]+)*)/g)) {
      // A step marked --if-present is optional by design (the tab's prebuild); anything else must exist.
      if (!flags!.includes('--if-present')) expect(Object.keys(pkg.scripts)).toContain(script);
    }
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) if (source !== '.') expect(existsSync(join(ROOT, source!))).toBe(true);
    const command = /^CMD \["sh", "([^"]+)"\]/m.exec(dockerfile)![1]!;
    expect(existsSync(join(ROOT, command))).toBe(true);
    expect(read(command)).toContain('exec node --import tsx app/main.ts');
    expect(pkg.dependencies.tsx).toBeDefined(); // `npm prune --omit=dev` keeps it
    expect(dockerfile).toMatch(/^EXPOSE 3978$/m);
  });

  test('the container refuses to start without MONGODB_URI, with one sentence', () => {
    const result = spawnSync('sh', [join(ROOT, 'infra/docker-start.sh')], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr.trim()).toBe('MONGODB_URI is required: set it to a MongoDB 6+, Atlas or Azure Cosmos DB for MongoDB (vCore) connection string.');
  });

  test('the compose file builds this Dockerfile and runs the app against MongoDB 7', () => {
    const context = /context: (\S+)/.exec(compose)![1]!;
    const file = /dockerfile: (\S+)/.exec(compose)![1]!;
    expect(existsSync(join(ROOT, 'infra', context, file))).toBe(true);
    expect(compose).toMatch(/image: mongo:7\b/);
    expect(compose).toMatch(/MONGODB_URI: mongodb:\/\/mongo:27017/);
    expect(compose).toMatch(/- "3978:3978"/);
    const env: Record<string, string> = {};
    for (const [, key, value] of compose.matchAll(/^ {6}([A-Za-z_]+): (\S+)$/gm)) if (configKeys.includes(key!)) env[key!] = value!;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['MONGODB_URI', 'NODE_ENV']));
    expect(() => loadConfig(env)).not.toThrow();
  });
});
