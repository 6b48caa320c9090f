import type { Locale, MessageKey } from '../core/i18n';

export type Command =
  | { name: 'help' }
  | { name: 'newCase'; title: string; childRef: string }
  | { name: 'case' }
  | { name: 'unknown'; text: string };

interface CommandInfo {
  usage: Record<Locale, string>;
  description: MessageKey;
}

/** What `help` lists, in the order it lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { usage: { da: 'hjælp', en: 'help' }, description: 'help.cmd.help' },
  { usage: { da: 'ny sag <titel> / <barnets initialer>', en: 'new case <title> / <child initials>' }, description: 'help.cmd.newCase' },
  { usage: { da: 'sag', en: 'case' }, description: 'help.cmd.case' },
];

/** Removes Teams `<at>…</at>` mentions and the non-breaking spaces that come with them. */
export function stripMentions(text: string): string {
  return text
    .replace(/<at[^>]*>.*?<\/at>/gis, ' ')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const PATTERNS: Array<[RegExp, (match: RegExpExecArray) => Command]> = [
  [/^(help|hjælp|hjaelp|\?)$/i, () => ({ name: 'help' })],
  [
    /^(?:new case|ny sag)(?:\s+(.*))?$/is,
    (match) => {
      const [title = '', childRef = ''] = (match[1] ?? '').split(' / ');
      return { name: 'newCase', title: title.trim(), childRef: childRef.trim() };
    },
  ],
  [/^(case|sag)$/i, () => ({ name: 'case' })],
];

export function parseCommand(rawText: string): Command {
  const text = stripMentions(rawText);
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return build(match);
  }
  return { name: 'unknown', text };
}
