/**
 * Builds the Teams app package (a zip with manifest.json, the two icons and the language files)
 * from manifest.template.json. Everything is checked offline before the zip is written:
 * settings, placeholders, the manifest and language files against the schemas bundled in
 * @microsoft/app-manifest, and the icons' pixels. A problem stops the build with a sentence
 * that says what to fix.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { z } from 'zod';

export const MANIFEST_DIR = __dirname;
export const TEMPLATE_FILE = 'manifest.template.json';
export const DEFAULT_OUTPUT = join(__dirname, 'build', 'samspil.zip');

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$/i;

const required = (what: string) => ({ required_error: `required (${what})`, invalid_type_error: `required (${what})` });
const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const guid = (what: string) => z.preprocess(emptyToUndefined, z.string(required(what)).trim().regex(GUID, `must be a GUID (${what})`));
const httpsUrl = z.preprocess(emptyToUndefined, z.string().trim().url('must be a URL').startsWith('https://', 'must start with https://').optional());

/** The settings the package needs. `.env.example` documents them under "Teams app package". */
export const packageSettingsSchema = z.object({
  TEAMS_APP_ID: guid('the Teams app ID: any GUID you generate once and keep, e.g. with `uuidgen`'),
  MicrosoftAppId: guid("the Entra app registration's application (client) ID, used for the bot and for SSO"),
  APP_DOMAIN: z.preprocess(
    emptyToUndefined,
    z.string(required('the public host name the app is served on, e.g. samspil.kommune.dk')).trim().regex(HOST, 'must be a host name without https:// or a path, e.g. samspil.kommune.dk'),
  ),
  TAB_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().trim().regex(GUID, 'must be a GUID (the Entra app registration of the tab, when it is not the bot\'s)').optional()),
  TAB_APP_ID_URI: z.preprocess(emptyToUndefined, z.string().trim().regex(/^api:\/\/\S+$/, 'must look like api://<domain>/<client id>').optional()),
  APP_VERSION: z.preprocess(emptyToUndefined, z.string().trim().regex(SEMVER, 'must be a version like 1.2.3').optional()),
  APP_PUBLISHER_NAME: z.preprocess(emptyToUndefined, z.string().trim().max(32, 'at most 32 characters').default('Samspil')),
  APP_WEBSITE_URL: httpsUrl,
  APP_PRIVACY_URL: httpsUrl,
  APP_TERMS_URL: httpsUrl,
});

export type PackageSettings = z.infer<typeof packageSettingsSchema>;

export interface BuildOptions {
  /** Usually process.env (after .env is loaded). */
  env: Record<string, string | undefined>;
  /** Folder holding the template, icons and language files. */
  sourceDir?: string;
  /** Where the zip goes. */
  output?: string;
}

export interface BuiltPackage {
  output: string;
  manifest: Record<string, unknown>;
  files: string[];
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The values placeholders are filled with: the validated settings, then any other environment variable. */
export function placeholderValues(env: Record<string, string | undefined>): Record<string, string> {
  const parsed = packageSettingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new PackageError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}. Set it in .env or the environment.`));
  }
  const settings = parsed.data;
  const domain = settings.APP_DOMAIN;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string' && value.trim() !== '') values[key] = value.trim();
  // SSO and resource-specific consent belong to the app in webApplicationInfo: the tab's
  // registration when it has its own, otherwise the bot's (one registration for both).
  const ssoAppId = (settings.TAB_CLIENT_ID ?? settings.MicrosoftAppId).toLowerCase();
  return {
    ...values,
    TEAMS_APP_ID: settings.TEAMS_APP_ID.toLowerCase(),
    MicrosoftAppId: settings.MicrosoftAppId.toLowerCase(),
    APP_DOMAIN: domain.toLowerCase(),
    TAB_CLIENT_ID: ssoAppId,
    TAB_APP_ID_URI: settings.TAB_APP_ID_URI ?? `api://${domain.toLowerCase()}/${ssoAppId}`,
    APP_VERSION: settings.APP_VERSION ?? packageVersion(),
    APP_PUBLISHER_NAME: settings.APP_PUBLISHER_NAME,
    APP_WEBSITE_URL: settings.APP_WEBSITE_URL ?? `https://${domain}/`,
    APP_PRIVACY_URL: settings.APP_PRIVACY_URL ?? `https://${domain}/privacy`,
    APP_TERMS_URL: settings.APP_TERMS_URL ?? `https://${domain}/terms`,
  };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Fills `${{NAME}}` placeholders; any left without a value is a problem, named with its file. */
export function fillPlaceholders(text: string, values: Record<string, string>, file: string, problems: string[]): string {
  return text.replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      problems.push(`${file}: the placeholder ${match} has no value. Set ${name} in .env or the environment.`);
      return match;
    }
    // The value lands inside a JSON string.
    return JSON.stringify(value).slice(1, -1);
  });
}

function parseJson(text: string, file: string, problems: string[]): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${file}: must hold a JSON object.`);
  } catch (error) {
    problems.push(`${file}: is not valid JSON (${(error as Error).message}).`);
  }
  return undefined;
}

type Schema = Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];

/**
 * Some bundled schemas (the localization schemas) hold a pattern that is valid without the
 * `u` flag but not with it (an unescaped `]`), and ajv compiles patterns with `u`. Escape it.
 */
function compilablePatterns(schema: Schema): Schema {
  const copy = JSON.parse(JSON.stringify(schema)) as { patternProperties?: Record<string, unknown> };
  if (!copy.patternProperties) return copy as Schema;
  const fixed: Record<string, unknown> = {};
  for (const [pattern, rule] of Object.entries(copy.patternProperties)) {
    let candidate = pattern;
    try {
      new RegExp(candidate, 'u');
    } catch {
      candidate = pattern.replace(/\\b\]/g, '\\b\\]');
    }
    fixed[candidate] = rule;
  }
  copy.patternProperties = fixed;
  return copy as Schema;
}

/** Schema problems, against the schema version the file names in `$schema`, from the copy bundled offline. */
async function schemaProblems(document: Record<string, unknown>, file: string): Promise<string[]> {
  if (typeof document.$schema !== 'string') return [`${file}: has no $schema, so it cannot be validated.`];
  let schema: Schema;
  try {
    schema = compilablePatterns(await AppManifestUtils.fetchSchema(document.$schema));
  } catch (error) {
    return [`${file}: could not load the schema ${document.$schema} offline (${(error as Error).message}).`];
  }
  const errors = await AppManifestUtils.validateAgainstSchema(document as unknown as AppManifest, schema);
  return errors.map((error) => `${file} does not match its schema: ${error.trim()}`);
}

function readPng(bytes: Buffer, file: string, problems: string[]): PNG | undefined {
  try {
    return PNG.sync.read(bytes);
  } catch (error) {
    problems.push(`${file}: is not a readable PNG image (${(error as Error).message}).`);
    return undefined;
  }
}

/** The colour icon: a 192×192 PNG. */
export function colorIconProblems(bytes: Buffer, file: string): string[] {
  const problems: string[] = [];
  const png = readPng(bytes, file, problems);
  if (png && (png.width !== COLOR_ICON_SIZE || png.height !== COLOR_ICON_SIZE)) {
    problems.push(`${file}: the colour icon must be ${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE} pixels, but it is ${png.width}×${png.height}.`);
  }
  return problems;
}

/** The outline icon: a 32×32 PNG, white on a transparent background. */
export function outlineIconProblems(bytes: Buffer, file: string): string[] {
  const problems: string[] = [];
  const png = readPng(bytes, file, problems);
  if (!png) return problems;
  if (png.width !== OUTLINE_ICON_SIZE || png.height !== OUTLINE_ICON_SIZE) {
    problems.push(`${file}: the outline icon must be ${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE} pixels, but it is ${png.width}×${png.height}.`);
    return problems;
  }
  let transparent = 0;
  let visible = 0;
  let coloured = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b, a] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
    if (a === 0) {
      transparent++;
      continue;
    }
    visible++;
    if (r < 240 || g < 240 || b < 240) coloured++;
  }
  const pixels = png.width * png.height;
  if (coloured > 0) problems.push(`${file}: the outline icon must be white on transparent, but ${coloured} visible pixels are not white.`);
  if (transparent < pixels * 0.25) problems.push(`${file}: the outline icon needs a transparent background, but only ${transparent} of ${pixels} pixels are transparent.`);
  if (visible === 0) problems.push(`${file}: the outline icon is empty (every pixel is transparent).`);
  return problems;
}

/** The user-facing strings of a manifest, under the keys language files use. */
export function localizableStrings(manifest: Record<string, unknown>): Record<string, string> {
  const m = manifest as {
    name?: { short?: string; full?: string };
    description?: { short?: string; full?: string };
    bots?: Array<{ commandLists?: Array<{ commands?: Array<{ title?: string; description?: string }> }> }>;
    staticTabs?: Array<{ name?: string }>;
  };
  const strings: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    if (typeof value === 'string') strings[key] = value;
  };
  put('name.short', m.name?.short);
  put('name.full', m.name?.full);
  put('description.short', m.description?.short);
  put('description.full', m.description?.full);
  m.bots?.[0]?.commandLists?.forEach((list, li) =>
    list.commands?.forEach((command, ci) => {
      put(`bots[0].commandLists[${li}].commands[${ci}].title`, command.title);
      put(`bots[0].commandLists[${li}].commands[${ci}].description`, command.description);
    }),
  );
  // Personal tabs (the leader's overview) have a name in each language too.
  m.staticTabs?.forEach((tab, ti) => put(`staticTabs[${ti}].name`, tab.name));
  return strings;
}

interface LanguageFile {
  tag: string;
  file: string;
  isDefault: boolean;
}

function languageFiles(manifest: Record<string, unknown>): LanguageFile[] {
  const info = manifest.localizationInfo as
    | { defaultLanguageTag?: string; defaultLanguageFile?: string; additionalLanguages?: Array<{ languageTag: string; file: string }> }
    | undefined;
  if (!info) return [];
  const files: LanguageFile[] = [];
  if (info.defaultLanguageFile) files.push({ tag: info.defaultLanguageTag ?? '', file: info.defaultLanguageFile, isDefault: true });
  for (const extra of info.additionalLanguages ?? []) files.push({ tag: extra.languageTag, file: extra.file, isDefault: false });
  return files;
}

/** Builds and writes the package; throws PackageError listing every problem found. */
export async function buildAppPackage({ env, sourceDir = MANIFEST_DIR, output = DEFAULT_OUTPUT }: BuildOptions): Promise<BuiltPackage> {
  const values = placeholderValues(env);
  const problems: string[] = [];

  const templatePath = join(sourceDir, TEMPLATE_FILE);
  if (!existsSync(templatePath)) throw new PackageError([`${TEMPLATE_FILE}: not found in ${sourceDir}.`]);
  const manifestText = fillPlaceholders(readFileSync(templatePath, 'utf8'), values, TEMPLATE_FILE, problems);
  if (problems.length > 0) throw new PackageError(problems);
  const manifest = parseJson(manifestText, TEMPLATE_FILE, problems);
  if (!manifest) throw new PackageError(problems);

  problems.push(...(await schemaProblems(manifest, 'manifest.json')));

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  const files = ['manifest.json'];

  const icons = (manifest.icons ?? {}) as { color?: string; outline?: string };
  const iconChecks: Array<[string | undefined, (bytes: Buffer, file: string) => string[]]> = [
    [icons.color, colorIconProblems],
    [icons.outline, outlineIconProblems],
  ];
  for (const [file, check] of iconChecks) {
    if (!file) continue; // the schema check reports a missing icon
    const path = join(sourceDir, file);
    if (!existsSync(path)) {
      problems.push(`${file}: the manifest names this icon, but the file does not exist in ${sourceDir}.`);
      continue;
    }
    const bytes = readFileSync(path);
    problems.push(...check(bytes, file));
    zip.file(file, bytes);
    files.push(file);
  }

  const manifestStrings = localizableStrings(manifest);
  const languages = languageFiles(manifest);
  let defaultKeys: string[] | undefined;
  const translated = new Map<string, string[]>();
  for (const language of languages) {
    const path = join(sourceDir, language.file);
    if (!existsSync(path)) {
      problems.push(`${language.file}: the manifest names this language file (${language.tag}), but it does not exist in ${sourceDir}.`);
      continue;
    }
    const text = fillPlaceholders(readFileSync(path, 'utf8'), values, language.file, problems);
    const strings = parseJson(text, language.file, problems);
    if (!strings) continue;
    problems.push(...(await schemaProblems(strings, language.file)));
    const keys = Object.keys(strings).filter((key) => key !== '$schema' && key !== 'localizationKeys');
    for (const key of keys) {
      if (!(key in manifestStrings)) problems.push(`${language.file}: "${key}" has no counterpart in the manifest.`);
    }
    if (language.isDefault) {
      defaultKeys = keys;
      for (const key of keys) {
        if (key in manifestStrings && strings[key] !== manifestStrings[key]) {
          problems.push(`${language.file}: "${key}" differs from the manifest; the default language file must repeat the manifest's own text.`);
        }
      }
    } else {
      translated.set(language.file, keys);
    }
    zip.file(language.file, text);
    files.push(language.file);
  }
  const expected = defaultKeys ?? Object.keys(manifestStrings);
  for (const [file, keys] of translated) {
    const missing = expected.filter((key) => !keys.includes(key));
    if (missing.length > 0) problems.push(`${file}: has no translation for ${missing.join(', ')}.`);
  }

  if (problems.length > 0) throw new PackageError(problems);

  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  writeFileSync(join(dirname(output), 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { output, manifest, files };
}
