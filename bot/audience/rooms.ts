import { TeamsInfo, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import { isSamePerson } from '../../core/domain/case';
import type { Reader, Room } from '../../core/domain/audience';
import type { ConversationRecord } from '../../core';
import { caseConversationOf, safeName } from '../turn';

const TURN_ROOM = Symbol('samspil.turnRoom');

/** How long a stored roster is trusted before it is read from Teams again. */
export const ROSTER_TTL_MS = 10 * 60_000;
/** Private channel members change with the case; read them again sooner. */
export const CHANNEL_MEMBERS_TTL_MS = 2 * 60_000;
const ROSTER_PAGE_SIZE = 200;
const ROSTER_MAX_PAGES = 25;

/**
 * A roster entry as the Bot Connector returns it: the Entra object ID is `objectId`
 * (botbuilder copies it to `aadObjectId` in some calls, not in others), the Teams ID is `id`.
 */
export interface RosterEntry {
  id?: string;
  name?: string;
  objectId?: string;
  aadObjectId?: string;
  userPrincipalName?: string;
}

/** A person as a roster names them; bots (28:…) read nothing. */
export function readerFromRoster(entry: RosterEntry): Reader | undefined {
  if (!entry.id || entry.id.startsWith('28:')) return undefined;
  return { userId: entry.id, aadObjectId: entry.objectId ?? entry.aadObjectId, name: safeName(entry.name) };
}

/** Every page of a conversation's members, as the connector returns them; throws rather than answer with part of them. */
export async function readRoster(context: TurnContext): Promise<Reader[]> {
  const readers: Reader[] = [];
  let continuationToken: string | undefined;
  for (let page = 0; page < ROSTER_MAX_PAGES; page++) {
    const result = await TeamsInfo.getPagedMembers(context, ROSTER_PAGE_SIZE, continuationToken);
    for (const entry of (result.members ?? []) as RosterEntry[]) {
      const reader = readerFromRoster(entry);
      if (reader) readers.push(reader);
    }
    continuationToken = result.continuationToken || undefined;
    if (!continuationToken) return readers;
  }
  throw new Error('the roster has more pages than we read');
}

/** The members of the private channel a case lives in, or undefined when the channel is not one of ours. */
export type PrivateChannelMembers = (channelId: string) => Promise<Reader[] | undefined>;

/** Runs `work` in a turn for a stored conversation, and hands back its result or its error. */
export async function inConversation<T>(adapter: CloudAdapter, botAppId: string, reference: Partial<ConversationReference>, work: (context: TurnContext) => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  let failure: { error: unknown } | undefined;
  // continueConversationAsync hands errors thrown in the callback to onTurnError; keep them ourselves.
  await adapter.continueConversationAsync(botAppId, reference, async (context) => {
    try {
      result = { value: await work(context) };
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
  if (!result) throw new Error('the conversation turn did not run');
  return result.value;
}

/**
 * Who can read a conversation, for the audience rule (core/domain/audience.ts): a personal chat is
 * its one person, a group chat its roster (read through the connector's members API, kept current by
 * membership events and re-read when stale), a private case channel its members, and any other
 * channel the whole team with guests and future members: unbounded.
 */
export class RoomDirectory {
  constructor(
    private readonly core: Pick<Core, 'conversations'>,
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly logger: Logger,
    private readonly privateChannel?: PrivateChannelMembers,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Bumped whenever a room is forgotten: a turn's kept room is read again after it. */
  private forgets = 0;

  /**
   * The room of the conversation an activity came from. The sender is always one of its readers.
   * A turn asks more than once (the clearance, then each post); it reads the room once, unless a
   * room was forgotten meanwhile (a membership change).
   */
  ofTurn(context: TurnContext): Promise<Room> {
    const kept = context.turnState.get(TURN_ROOM) as { forgets: number; room: Promise<Room> } | undefined;
    if (kept && kept.forgets === this.forgets) return kept.room;
    const room = this.readTurnRoom(context);
    const entry = { forgets: this.forgets, room };
    context.turnState.set(TURN_ROOM, entry);
    // A failed read is not kept.
    room.catch(() => context.turnState.get(TURN_ROOM) === entry && context.turnState.delete(TURN_ROOM));
    return room;
  }

  private async readTurnRoom(context: TurnContext): Promise<Room> {
    const { activity } = context;
    const conversation = caseConversationOf(activity);
    const sender: Reader = { userId: activity.from?.id, aadObjectId: activity.from?.aadObjectId, name: activity.from?.name };
    if (conversation.kind === 'personal') return { kind: 'personal', conversationId: conversation.conversationId, readers: [sender] };
    if (conversation.kind === 'channel') return this.channel(conversation.conversationId);
    return this.groupChat(conversation.conversationId, () => readRoster(context), sender);
  }

  /** The room of a stored conversation, for posts nobody asked for in a turn (reminders, the tab, card updates). */
  async ofRecord(record: ConversationRecord): Promise<Room> {
    if (record.kind === 'personal') return { kind: 'personal', conversationId: record._id, readers: [{ userId: record.userId, aadObjectId: record.aadObjectId }] };
    if (record.kind === 'channel') return this.channel(record._id);
    return this.groupChat(record._id, () => inConversation(this.adapter, this.botAppId, record.reference as Partial<ConversationReference>, (context) => readRoster(context)));
  }

  /** Membership changed in a group chat (conversationUpdate): read the roster again now. */
  async rosterChanged(context: TurnContext): Promise<Room | undefined> {
    const conversation = caseConversationOf(context.activity);
    if (conversation.kind === 'channel') {
      await this.forget(conversation.conversationId).catch(() => undefined);
      return this.channel(conversation.conversationId);
    }
    if (conversation.kind !== 'groupChat') return undefined;
    await this.forget(conversation.conversationId);
    return this.ofTurn(context);
  }

  /** A private case channel's members changed: read them again at the next look. */
  channelMembersChanged(channelId: string): Promise<void> {
    return this.forget(channelId);
  }

  /** The stored room is read from Teams again at the next look, and so is a room a turn kept. */
  private async forget(conversationId: string): Promise<void> {
    try {
      await this.core.conversations.forgetRoom(conversationId);
    } finally {
      this.forgets++;
    }
  }

  private async channel(channelId: string): Promise<Room> {
    if (!this.privateChannel) return { kind: 'standardChannel', conversationId: channelId, readers: null };
    const stored = await this.core.conversations.roomOf(channelId);
    if (stored?.kind === 'privateChannel' && this.age(stored.readAt) < CHANNEL_MEMBERS_TTL_MS) return { kind: 'privateChannel', conversationId: channelId, readers: stored.readers };
    try {
      const members = await this.privateChannel(channelId);
      if (!members) return { kind: 'standardChannel', conversationId: channelId, readers: null };
      await this.core.conversations.saveRoom(channelId, 'privateChannel', members, this.now());
      return { kind: 'privateChannel', conversationId: channelId, readers: members };
    } catch (error) {
      this.logger.warn({ err: describe(error), channelId }, 'could not read the private channel members; posting for an unknown audience');
      return { kind: 'privateChannel', conversationId: channelId, readers: null };
    }
  }

  private async groupChat(conversationId: string, read: () => Promise<Reader[]>, mustInclude?: Reader): Promise<Room> {
    const stored = await this.core.conversations.roomOf(conversationId);
    const fresh =
      stored?.kind === 'groupChat' &&
      this.age(stored.readAt) < ROSTER_TTL_MS &&
      // The sender is in the chat; a roster without them is out of date.
      (!mustInclude?.userId || stored.readers.some((r) => isSamePerson({ userId: r.userId ?? '', aadObjectId: r.aadObjectId }, { userId: mustInclude.userId ?? '', aadObjectId: mustInclude.aadObjectId })));
    if (fresh && stored) return { kind: 'groupChat', conversationId, readers: stored.readers };
    try {
      const readers = await read();
      await this.core.conversations.saveRoom(conversationId, 'groupChat', readers, this.now());
      return { kind: 'groupChat', conversationId, readers };
    } catch (error) {
      // Not knowing who reads along is treated as an outsider reading along.
      this.logger.warn({ err: describe(error), conversationId }, 'could not read the group chat roster; posting for an unknown audience');
      return { kind: 'groupChat', conversationId, readers: null };
    }
  }

  private age(at: Date): number {
    return this.now().getTime() - new Date(at).getTime();
  }
}

function describe(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : String(error).slice(0, 300);
}
