import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Each feature keeps its texts in messages/<feature>.ts and index.ts spreads them into one catalogue:
 * a key defined in two files would silently lose one text (the later spread wins).
 */
const dir = join(__dirname, 'messages');
type Texts = { da: Record<string, string>; en: Record<string, string> };
let modules: Array<{ file: string; texts: Texts }> = [];
beforeAll(async () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  modules = await Promise.all(files.map(async (file) => ({ file, texts: (await import(join(dir, file))) as Texts })));
  expect(modules.length).toBeGreaterThan(5);
});

test('no text key is defined in two message files', () => {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const { file, texts } of modules) {
    for (const key of Object.keys(texts.da)) {
      const first = owner.get(key);
      if (first) clashes.push(`${key}: ${first} and ${file}`);
      else owner.set(key, file);
    }
  }
  expect(clashes).toEqual([]);
});

test('every message file has the same keys in Danish and English, and no empty text', () => {
  for (const { file, texts } of modules) {
    expect({ file, keys: Object.keys(texts.en).sort() }).toEqual({ file, keys: Object.keys(texts.da).sort() });
    const empty = [...Object.entries(texts.da), ...Object.entries(texts.en)].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect({ file, empty }).toEqual({ file, empty: [] });
  }
});
