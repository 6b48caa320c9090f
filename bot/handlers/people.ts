import { TeamsInfo, type TurnContext } from 'botbuilder';

export interface PersonRef {
  userId: string;
  name: string;
  aadObjectId?: string;
}

interface MentionEntity {
  type?: string;
  mentioned?: { id?: string; name?: string };
}

/**
 * The person a command is about: the first @mention that is not the bot, or a typed name
 * matched against the conversation's roster. The Entra object ID comes from the roster.
 */
export async function personFromCommand(context: TurnContext, typedName: string): Promise<PersonRef | undefined> {
  const botId = context.activity.recipient?.id;
  const mention = ((context.activity.entities ?? []) as MentionEntity[]).find((e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== botId);
  if (mention?.mentioned?.id) {
    const userId = mention.mentioned.id;
    const rosterEntry = await TeamsInfo.getMember(context, userId).catch(() => undefined);
    return { userId, name: rosterEntry?.name || mention.mentioned.name || userId, aadObjectId: rosterEntry?.aadObjectId };
  }
  const wanted = typedName.trim().toLowerCase();
  if (!wanted) return undefined;
  const roster = await TeamsInfo.getPagedMembers(context, 500).catch(() => undefined);
  const matches = (roster?.members ?? []).filter((m) => m.name?.toLowerCase() === wanted);
  const [only] = matches;
  return matches.length === 1 && only ? { userId: only.id, name: only.name, aadObjectId: only.aadObjectId } : undefined;
}
