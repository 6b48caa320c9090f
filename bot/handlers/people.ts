import { TeamsInfo, type TurnContext } from 'botbuilder';
import { readRoster, type RosterEntry } from '../audience/rooms';
import { safeName } from '../turn';

export interface PersonRef {
  userId: string;
  name: string;
  aadObjectId?: string;
}

interface MentionEntity {
  type?: string;
  mentioned?: { id?: string; name?: string };
}

/** Names compared the way people type them: case, accents' composition and spacing do not matter. */
export const normalizeName = (name: string): string => name.normalize('NFC').toLocaleLowerCase('da-DK').replace(/\s+/g, ' ').trim();

/**
 * Finds one person in a roster by a typed name: the full name, else a unique first name or a
 * unique start of a name ("Sofie", "Sofie Aa"). Ambiguous or unknown names find nobody.
 */
export function matchByName<T extends { name?: string }>(roster: T[], typed: string): T | undefined {
  const wanted = normalizeName(typed);
  if (!wanted) return undefined;
  const named = roster.filter((m) => m.name);
  const exact = named.filter((m) => normalizeName(m.name!) === wanted);
  if (exact.length > 0) return exact.length === 1 ? exact[0] : undefined;
  const starts = named.filter((m) => normalizeName(m.name!).startsWith(wanted));
  return starts.length === 1 ? starts[0] : undefined;
}

const personOf = (entry: RosterEntry, fallbackName?: string): PersonRef => ({
  userId: entry.id!,
  name: safeName(entry.name) || safeName(fallbackName) || entry.id!,
  // The connector returns the Entra object ID as `objectId`; some botbuilder calls copy it to `aadObjectId`.
  aadObjectId: entry.objectId ?? entry.aadObjectId,
});

/**
 * The person a command is about: the first @mention that is not the bot, or a typed name
 * matched against the conversation's roster. The Entra object ID comes from the roster.
 */
export async function personFromCommand(context: TurnContext, typedName: string): Promise<PersonRef | undefined> {
  const botId = context.activity.recipient?.id;
  const mention = ((context.activity.entities ?? []) as MentionEntity[]).find((e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== botId);
  if (mention?.mentioned?.id) {
    const userId = mention.mentioned.id;
    const rosterEntry = (await TeamsInfo.getMember(context, userId).catch(() => undefined)) as RosterEntry | undefined;
    return personOf({ ...rosterEntry, id: userId }, mention.mentioned.name);
  }
  if (!typedName.trim()) return undefined;
  // The whole roster or nothing: a name matched against part of it could find the wrong person.
  const roster = await readRoster(context).catch(() => undefined);
  if (!roster) return undefined;
  const found = matchByName(roster, typedName);
  return found ? personOf({ id: found.userId, name: found.name, aadObjectId: found.aadObjectId }) : undefined;
}
