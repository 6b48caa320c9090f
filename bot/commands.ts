import type { Locale, MessageKey } from '../core/i18n';

export type Command =
  | { name: 'help' }
  | { name: 'newCase'; title: string; childRef: string }
  | { name: 'case' }
  | { name: 'addMember'; who: string; role: string; legalBasis: string }
  | { name: 'removeMember'; who: string }
  | { name: 'withdrawConsent'; who: string }
  | { name: 'members' }
  | { name: 'observe' }
  | { name: 'assess' }
  | { name: 'agree' }
  | { name: 'agreements' }
  | { name: 'tasks' }
  | { name: 'timeline'; page: number }
  | { name: 'closeCase' }
  | { name: 'remindersDigest'; on?: boolean }
  /** Coordinator handover (docs/handover.md); `who` is empty when the person is @mentioned. */
  | { name: 'handover'; who: string }
  | { name: 'handoverCancel' }
  | { name: 'coordinator' }
  /** Barnets stemme (docs/child-voice.md): the form goes to the writer's own chat. */
  | { name: 'childVoice' }
  /** Case meetings (docs/meetings.md): `when` is what was typed after the word (a date and time to start the form with). */
  | { name: 'meeting'; when: string }
  | { name: 'meetings' }
  /** A command typed without what it needs: answered with its own usage. */
  | { name: 'usage'; command: 'add' | 'remove' | 'withdraw' }
  | { name: 'unknown'; text: string };

interface CommandInfo {
  usage: Record<Locale, string>;
  description: MessageKey;
  /**
   * False for commands only the help card lists: Teams' command menu holds at most 12 commands per
   * scope (the manifest schema), and the team and group chat menu is full with the everyday ones.
   */
  menu?: false;
}

/** What `help` lists, in the order it lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { usage: { da: 'hjælp', en: 'help' }, description: 'help.cmd.help' },
  { usage: { da: 'ny sag «titel» / «barnets initialer»', en: 'new case «title» / «child initials»' }, description: 'help.cmd.newCase' },
  { usage: { da: 'sag', en: 'case' }, description: 'help.cmd.case' },
  { usage: { da: 'tilføj @person som «rolle» [hjemmel «tekst»]', en: 'add @person as «role» [basis «text»]' }, description: 'help.cmd.add' },
  { usage: { da: 'fjern @person', en: 'remove @person' }, description: 'help.cmd.remove' },
  { usage: { da: 'medlemmer', en: 'members' }, description: 'help.cmd.members' },
  { usage: { da: 'træk samtykke @person', en: 'withdraw consent @person' }, description: 'help.cmd.withdraw' },
  { usage: { da: 'observation', en: 'observe' }, description: 'help.cmd.observe' },
  { usage: { da: 'vurdering', en: 'assess' }, description: 'help.cmd.assess' },
  { usage: { da: 'aftale', en: 'agree' }, description: 'help.cmd.agree' },
  { usage: { da: 'aftaler', en: 'agreements' }, description: 'help.cmd.agreements' },
  { usage: { da: 'opgaver', en: 'tasks' }, description: 'help.cmd.tasks' },
  { usage: { da: 'tidslinje [side]', en: 'timeline [page]' }, description: 'help.cmd.timeline' },
  { usage: { da: 'luk sag', en: 'close case' }, description: 'help.cmd.close' },
  { usage: { da: 'påmindelser samle «til|fra»', en: 'reminders digest «on|off»' }, description: 'help.cmd.remindersDigest' },
  { usage: { da: 'møde [«dato» «tid»]', en: 'meeting [«date» «time»]' }, description: 'help.cmd.meeting' },
  { usage: { da: 'møder', en: 'meetings' }, description: 'help.cmd.meetings' },
  { usage: { da: 'overdrag tovholder @person', en: 'hand over coordinator @person' }, description: 'help.cmd.handover', menu: false },
  { usage: { da: 'tovholder', en: 'coordinator' }, description: 'help.cmd.coordinator', menu: false },
  { usage: { da: 'barnets stemme', en: "child's voice" }, description: 'help.cmd.childVoice', menu: false },
];

/** Removes Teams `<at>…</at>` mentions and the non-breaking spaces that come with them. */
export function stripMentions(text: string): string {
  return text
    .replace(/<at[^>]*>.*?<\/at>/gis, ' ')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface ParseContext {
  /** How many people besides the bot the message @mentions. */
  mentions: number;
}

const PATTERNS: Array<[RegExp, (match: RegExpExecArray, context: ParseContext) => Command]> = [
  [/^(help|hjælp|hjaelp|\?)$/i, () => ({ name: 'help' })],
  [
    /^(?:new case|ny sag)(?:\s+(.*))?$/is,
    (match) => {
      const [title = '', childRef = ''] = (match[1] ?? '').split(' / ');
      return { name: 'newCase', title: title.trim(), childRef: childRef.trim() };
    },
  ],
  [/^(case|sag)$/i, () => ({ name: 'case' })],
  [/^(close case|luk sag(en)?)$/i, () => ({ name: 'closeCase' })],
  [
    // The person is usually an @mention (stripped from the text); a typed name is looked up in the roster.
    /^(?:add|tilføj|tilfoej)\s*(.*?)\s+(?:as|som)\s+(.+?)(?:\s+(?:basis|hjemmel)\s+(.+))?$/is,
    (m) => ({ name: 'addMember', who: (m[1] ?? '').trim(), role: (m[2] ?? '').trim(), legalBasis: (m[3] ?? '').trim() }),
  ],
  [/^(?:add|tilføj|tilfoej)(?:\s.*)?$/is, () => ({ name: 'usage', command: 'add' })],
  [/^(?:remove|fjern)(?:\s+(.*))?$/is, (m, c) => ((m[1] ?? '').trim() || c.mentions > 0 ? { name: 'removeMember', who: (m[1] ?? '').trim() } : { name: 'usage', command: 'remove' })],
  [
    /^(?:withdraw consent|træk samtykke(?: tilbage)?|traek samtykke(?: tilbage)?)(?:\s+(.*))?$/is,
    (m, c) => ((m[1] ?? '').trim() || c.mentions > 0 ? { name: 'withdrawConsent', who: (m[1] ?? '').trim() } : { name: 'usage', command: 'withdraw' }),
  ],
  [
    /^(?:overdrag|overdrage|hand over|handover)\s+(?:tovholder(?:en|rollen)?|(?:the\s+)?coordinator(?:\s+role)?)(?:\s+(?:til|to))?(?:\s+(.*))?$/is,
    (m) => ({ name: 'handover', who: (m[1] ?? '').trim() }),
  ],
  [/^(?:træk|traek|annuller|annullér) overdragelse(?:n)?(?: tilbage)?$|^(?:withdraw|cancel) (?:the )?handover$/i, () => ({ name: 'handoverCancel' })],
  [/^(?:tovholder|tovholderen|coordinator|the coordinator)$/i, () => ({ name: 'coordinator' })],
  [/^(?:barnets stemme|(?:the )?child(?:['’]s)? voice)$/i, () => ({ name: 'childVoice' })],
  [/^(?:møde|moede|meeting)(?:\s+(.*))?$/is, (m) => ({ name: 'meeting', when: (m[1] ?? '').trim().slice(0, 100) })],
  [/^(?:(?:mine )?møder|(?:mine )?moeder|(?:my )?meetings)$/i, () => ({ name: 'meetings' })],
  [/^(members|medlemmer)$/i, () => ({ name: 'members' })],
  [/^(observe|observation|observér|observer)$/i, () => ({ name: 'observe' })],
  [/^(assess|vurdering|vurdér|vurder)$/i, () => ({ name: 'assess' })],
  [/^(agree|aftale)$/i, () => ({ name: 'agree' })],
  [/^(agreements|aftaler)$/i, () => ({ name: 'agreements' })],
  [/^(tasks|opgaver)$/i, () => ({ name: 'tasks' })],
  [/^(?:reminders digest|påmindelser samle|paamindelser samle)(?:\s+(on|off|til|fra))?$/i, (m) => ({ name: 'remindersDigest', on: m[1] ? /^(on|til)$/i.test(m[1]) : undefined })],
  [/^(?:timeline|tidslinje)(?:\s+(\d{1,6}))?$/i, (m) => ({ name: 'timeline', page: m[1] ? Number(m[1]) : 1 })],
];

/**
 * Reads a command from a message's text. `mentions` is how many people besides the bot the
 * message @mentions: their names are stripped from the text, so "fjern @Sofie" reads as "fjern".
 */
export function parseCommand(rawText: string, mentions = 0): Command {
  const text = stripMentions(rawText.normalize('NFC'));
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return build(match, { mentions });
  }
  return { name: 'unknown', text };
}
