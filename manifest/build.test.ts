import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { COMMANDS } from '../bot/commands';
import { buildAppPackage, MANIFEST_DIR, PackageError } from './package';

const ENV = {
  TEAMS_APP_ID: '6f1b7c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  MicrosoftAppId: '0b8f3c1e-7d2a-4c9b-9e5f-1a2b3c4d5e6f',
  APP_DOMAIN: 'samspil.kommune.dk',
};
const SOURCE_FILES = ['manifest.template.json', 'color.png', 'outline.png', 'da.json', 'en.json'];

/** A private copy of the manifest sources, so that a test can break one thing. */
function sourceCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samspil-manifest-'));
  for (const file of SOURCE_FILES) copyFileSync(join(MANIFEST_DIR, file), join(dir, file));
  return dir;
}

const outputIn = (dir: string) => join(dir, 'out', 'samspil.zip');

function editJson(dir: string, file: string, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, any>;
  edit(json);
  writeFileSync(join(dir, file), JSON.stringify(json, null, 2));
}

function writePng(path: string, width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): void {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      png.data.set([r, g, b, a], (y * width + x) * 4);
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

/** The build's problems, or a failure when it unexpectedly succeeds. */
async function problemsOf(options: Parameters<typeof buildAppPackage>[0]): Promise<string> {
  try {
    await buildAppPackage(options);
  } catch (error) {
    expect(error).toBeInstanceOf(PackageError);
    return (error as PackageError).message;
  }
  throw new Error('the build succeeded, but it should have failed');
}

describe('a good package', () => {
  let zip: JSZip;
  let manifest: Record<string, any>;
  let dir: string;

  beforeAll(async () => {
    dir = sourceCopy();
    const built = await buildAppPackage({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    zip = await JSZip.loadAsync(readFileSync(built.output));
    manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as Record<string, any>;
  });

  test('holds exactly the manifest, both icons and both language files, at the root', () => {
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'da.json', 'en.json', 'manifest.json', 'outline.png']);
  });

  test('the manifest validates offline against schema 1.24 and has no placeholder left', async () => {
    expect(manifest.manifestVersion).toBe('1.24');
    expect(await AppManifestUtils.validateAgainstSchema(manifest as AppManifest)).toEqual([]);
    for (const name of Object.keys(zip.files)) {
      if (name.endsWith('.json')) expect(await zip.file(name)!.async('string')).not.toContain('${{');
    }
  });

  test('fills in the app ID, the bot ID, the domain and the SSO resource', () => {
    expect(manifest.id).toBe(ENV.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(ENV.MicrosoftAppId);
    expect(manifest.webApplicationInfo).toEqual({ id: ENV.MicrosoftAppId, resource: `api://samspil.kommune.dk/${ENV.MicrosoftAppId}` });
    expect(manifest.validDomains).toEqual(['samspil.kommune.dk']);
    expect(manifest.configurableTabs[0].configurationUrl).toBe('https://samspil.kommune.dk/tab/config');
    expect(manifest.developer.privacyUrl).toBe('https://samspil.kommune.dk/privacy');
  });

  test('uses the tab\'s own Entra app for SSO when it has one', async () => {
    const tab = { TAB_CLIENT_ID: '9d5e1f2a-0b3c-4d6e-8f7a-2b4c6d8e0f1a', TAB_APP_ID_URI: 'api://samspil.kommune.dk/9d5e1f2a-0b3c-4d6e-8f7a-2b4c6d8e0f1a' };
    const built = await buildAppPackage({ env: { ...ENV, ...tab }, sourceDir: dir, output: outputIn(dir) });
    expect(built.manifest.webApplicationInfo).toEqual({ id: tab.TAB_CLIENT_ID, resource: tab.TAB_APP_ID_URI });
    expect((built.manifest.bots as Array<{ botId: string }>)[0]!.botId).toBe(ENV.MicrosoftAppId);
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')).version);
  });

  test('the bot is in personal, team and group chats, and lists the case commands', () => {
    expect(manifest.bots[0].scopes).toEqual(['personal', 'team', 'groupChat']);
    const [shared, personal] = manifest.bots[0].commandLists as Array<{ scopes: string[]; commands: Array<{ title: string }> }>;
    expect(shared!.scopes).toEqual(['team', 'groupChat']);
    expect(shared!.commands.map((c) => c.title)).toEqual([
      'ny sag', 'sag', 'tilføj', 'fjern', 'medlemmer', 'træk samtykke', 'observation', 'vurdering', 'aftale', 'aftaler', 'tidslinje', 'luk sag',
    ]);
    expect(personal!.scopes).toEqual(['personal']);
    expect(personal!.commands.map((c) => c.title)).toEqual(['hjælp', 'opgaver', 'påmindelser samle', 'møde', 'møder']);
  });

  test('every everyday command is in the command menu, in Danish and English; each menu stays within the 12 the schema allows', async () => {
    const en = JSON.parse(await zip.file('en.json')!.async('string')) as Record<string, string>;
    const danish = (manifest.bots[0].commandLists as Array<{ commands: Array<{ title: string }> }>).flatMap((l) => l.commands.map((c) => c.title));
    const english = Object.entries(en).filter(([key]) => key.endsWith('.title')).map(([, value]) => value);
    // The words before the first argument: "tilføj @person som <rolle>" → "tilføj".
    const word = (usage: string) => usage.split(' ').filter((_, i, all) => !all.slice(0, i + 1).some((w) => /^[@<[«]/.test(w))).join(' ');
    for (const list of manifest.bots[0].commandLists as Array<{ commands: unknown[] }>) expect(list.commands.length).toBeLessThanOrEqual(12);
    for (const command of COMMANDS.filter((c) => c.menu !== false)) {
      expect(danish).toContain(word(command.usage.da));
      expect(english).toContain(word(command.usage.en));
    }
  });

  test('the tab is configurable in channels, chats and meetings, including the stage', () => {
    expect(manifest.configurableTabs[0].scopes).toEqual(['team', 'groupChat']);
    expect(manifest.configurableTabs[0].context).toEqual(['channelTab', 'privateChatTab', 'meetingChatTab', 'meetingDetailsTab', 'meetingSidePanel', 'meetingStage']);
  });

  test('the leader\'s overview is a personal tab beside the bot\'s chat, named in Danish and English', async () => {
    expect(manifest.staticTabs).toEqual([
      { entityId: 'conversations', scopes: ['personal'] },
      { entityId: 'samspil-leader', name: 'Ledelsesoverblik', contentUrl: 'https://samspil.kommune.dk/tab/leader', websiteUrl: 'https://samspil.kommune.dk/tab/leader', scopes: ['personal'], context: ['personalTab'] },
    ]);
    const en = JSON.parse(await zip.file('en.json')!.async('string')) as Record<string, string>;
    expect(en['staticTabs[1].name']).toBe("Leader's overview");
  });

  test('asks only for the resource-specific permissions the features use', () => {
    expect(manifest.authorization.permissions.resourceSpecific).toEqual([
      { name: 'Channel.Create.Group', type: 'Application' },
      { name: 'MeetingStage.Write.Chat', type: 'Delegated' },
    ]);
  });

  test('Danish is the default language and English is complete beside it', async () => {
    expect(manifest.localizationInfo).toEqual({ defaultLanguageTag: 'da', defaultLanguageFile: 'da.json', additionalLanguages: [{ languageTag: 'en', file: 'en.json' }] });
    expect(manifest.name.full).toBe('Samspil – barnets fælles sag');
    const da = JSON.parse(await zip.file('da.json')!.async('string')) as Record<string, string>;
    const en = JSON.parse(await zip.file('en.json')!.async('string')) as Record<string, string>;
    expect(Object.keys(en).sort()).toEqual(Object.keys(da).sort());
    expect(en['bots[0].commandLists[0].commands[11].title']).toBe('close case');
    expect(en['description.short']).toBe('Family and professionals around a child share one case in Teams.');
  });

  test('ships the committed icons: 192×192 colour and 32×32 white-on-transparent outline', async () => {
    const color = PNG.sync.read(await zip.file('color.png')!.async('nodebuffer'));
    const outline = PNG.sync.read(await zip.file('outline.png')!.async('nodebuffer'));
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
    expect(Buffer.compare(await zip.file('outline.png')!.async('nodebuffer'), readFileSync(join(MANIFEST_DIR, 'outline.png')))).toBe(0);
    expect(outline.data[3]).toBe(0); // the corner is transparent
  });
});

describe('the build refuses, saying what to fix', () => {
  test('when a setting is missing or malformed', async () => {
    const dir = sourceCopy();
    const missing = await problemsOf({ env: { ...ENV, APP_DOMAIN: '' }, sourceDir: dir, output: outputIn(dir) });
    expect(missing).toContain('APP_DOMAIN: required');
    const url = await problemsOf({ env: { ...ENV, APP_DOMAIN: 'https://samspil.kommune.dk/' }, sourceDir: dir, output: outputIn(dir) });
    expect(url).toContain('APP_DOMAIN: must be a host name without https://');
    const notGuid = await problemsOf({ env: { ...ENV, TEAMS_APP_ID: 'samspil' }, sourceDir: dir, output: outputIn(dir) });
    expect(notGuid).toContain('TEAMS_APP_ID: must be a GUID');
    expect(existsSync(outputIn(dir))).toBe(false);
  });

  test('when a placeholder has no value', async () => {
    const dir = sourceCopy();
    editJson(dir, 'manifest.template.json', (m) => {
      m.developer.mpnId = '${{MUNICIPALITY_MPN_ID}}';
    });
    const message = await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    expect(message).toContain('manifest.template.json: the placeholder ${{MUNICIPALITY_MPN_ID}} has no value. Set MUNICIPALITY_MPN_ID in .env or the environment.');
    expect(existsSync(outputIn(dir))).toBe(false);
    // …and the same placeholder is filled once the variable is set.
    const built = await buildAppPackage({ env: { ...ENV, MUNICIPALITY_MPN_ID: '1234567' }, sourceDir: dir, output: outputIn(dir) });
    expect((built.manifest.developer as Record<string, string>).mpnId).toBe('1234567');
  });

  test('when the manifest does not match its schema', async () => {
    const dir = sourceCopy();
    editJson(dir, 'manifest.template.json', (m) => {
      m.accentColor = 'blue';
      m.bots[0].commandLists[0].commands.push({ title: 'en for meget', description: 'Kommando nummer 13.' });
    });
    const message = await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    expect(message).toContain('manifest.json does not match its schema');
    expect(message).toContain('/accentColor');
    expect(message).toContain('/bots/0/commandLists/0/commands must NOT have more than 12 items');
  });

  test('when the colour icon has the wrong size', async () => {
    const dir = sourceCopy();
    writePng(join(dir, 'color.png'), 96, 96, () => [31, 111, 139, 255]);
    const message = await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    expect(message).toContain('color.png: the colour icon must be 192×192 pixels, but it is 96×96.');
  });

  test('when the outline icon is not white on transparent', async () => {
    const dir = sourceCopy();
    writePng(join(dir, 'outline.png'), 32, 32, (x) => (x < 16 ? [0, 0, 0, 255] : [0, 0, 0, 0]));
    const black = await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    expect(black).toContain('outline.png: the outline icon must be white on transparent, but 512 visible pixels are not white.');

    writePng(join(dir, 'outline.png'), 32, 32, () => [255, 255, 255, 255]);
    const opaque = await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    expect(opaque).toContain('outline.png: the outline icon needs a transparent background');

    writePng(join(dir, 'outline.png'), 48, 48, () => [255, 255, 255, 0]);
    expect(await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) })).toContain('must be 32×32 pixels, but it is 48×48');
  });

  test('when an icon is not a PNG at all, or is missing', async () => {
    const dir = sourceCopy();
    writeFileSync(join(dir, 'outline.png'), 'GIF89a not really an image');
    expect(await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) })).toContain('outline.png: is not a readable PNG image');
    editJson(dir, 'manifest.template.json', (m) => {
      m.icons.color = 'farve.png';
    });
    expect(await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) })).toContain('farve.png: the manifest names this icon, but the file does not exist');
  });

  test('when a language file lacks a translation, drifts from the manifest or breaks its schema', async () => {
    const dir = sourceCopy();
    editJson(dir, 'en.json', (en) => {
      delete en['bots[0].commandLists[0].commands[11].title'];
      en['bots[0].commandLists[0].commands[12].title'] = 'one too many';
    });
    editJson(dir, 'da.json', (da) => {
      da['name.full'] = 'Noget andet';
    });
    const message = await problemsOf({ env: ENV, sourceDir: dir, output: outputIn(dir) });
    expect(message).toContain('en.json: has no translation for bots[0].commandLists[0].commands[11].title');
    expect(message).toContain('en.json does not match its schema');
    expect(message).toContain('da.json: "name.full" differs from the manifest');
  });
});

describe('npm run package', () => {
  const run = (env: Record<string, string>, out: string) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), join(MANIFEST_DIR, 'build.ts'), '--out', out], {
      cwd: mkdtempSync(join(tmpdir(), 'samspil-cwd-')), // no .env here
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });

  test('writes the zip and names it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'samspil-out-')), 'samspil.zip');
    const result = run(ENV, out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('samspil.zip (manifest.json, color.png, outline.png, da.json, en.json)');
    expect(existsSync(out)).toBe(true);
  });

  test('stops with exit code 1 and one readable message, without a stack trace', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'samspil-out-')), 'samspil.zip');
    const result = run({ TEAMS_APP_ID: ENV.TEAMS_APP_ID }, out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Cannot build the Teams app package:');
    expect(result.stderr).toContain('MicrosoftAppId: required');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
