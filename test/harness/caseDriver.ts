import { randomUUID } from 'node:crypto';
import { cardAction, channelId, channelMessage, groupChatMessage, type TestUser } from './activities';
import { rosterEntry } from './fakeConnector';
import type { TestApp } from './testApp';

export interface CaseDriverOptions {
  /**
   * Where the case lives:
   * - `memberChat` (default): a group chat whose roster is the case's active members, kept so by the
   *   coordinator; everything the bot posts may show the case to them. Extra readers join with `enter`.
   * - `channel`: a standard channel, read by the whole team: the bot posts only neutral messages there.
   */
  room?: 'memberChat' | 'channel';
  /** A channel that exists already (a case channel the bot created), instead of a new one. */
  channel?: string;
}

/**
 * Drives one case through the real server: typed commands and card clicks, returning what the
 * fake connector received. Keeps the e2e tests about behaviour.
 */
export class CaseDriver {
  /** The conversation the case lives in. */
  readonly channel: string;
  readonly room: 'memberChat' | 'channel';
  caseId = '';
  private readonly known = new Map<string, TestUser>();
  private readonly extras = new Set<string>();
  /** The roster as the bot was last told of it. */
  private roster: string[] = [];

  constructor(
    private readonly t: TestApp,
    readonly coordinator: TestUser,
    label = 'case',
    options: CaseDriverOptions = {},
  ) {
    this.room = options.room ?? 'memberChat';
    this.channel = options.channel ?? (this.room === 'channel' ? channelId(label) : `19:${label}-${randomUUID().slice(0, 8)}@thread.v2`);
    this.known.set(coordinator.id, coordinator);
  }

  async create(title = 'Trivsel for AB / AB'): Promise<this> {
    await this.say(this.coordinator, `ny sag ${title}`);
    const kase = await this.t.app.internals.caseRepository.byConversation(this.channel);
    if (!kase) throw new Error('case was not created');
    this.caseId = kase._id;
    return this;
  }

  /** Someone who is in the chat without being an active member of the case (an outsider). */
  async enter(...users: TestUser[]): Promise<void> {
    for (const user of users) {
      this.known.set(user.id, user);
      this.extras.add(user.id);
    }
    await this.syncRoster();
  }

  /**
   * The chat's roster, as the members API returns it: the case's active members (and anyone who
   * entered), or just the coordinator before the case exists. When it changes, the bot is told as
   * Teams tells it: a conversationUpdate with membersAdded / membersRemoved.
   */
  async syncRoster(): Promise<void> {
    if (this.room !== 'memberChat') return;
    const kase = this.caseId ? await this.t.app.internals.caseRepository.byId(this.caseId) : null;
    const ids = new Set<string>(kase ? kase.members.filter((m) => m.status === 'active').map((m) => m.userId) : [this.coordinator.id]);
    for (const id of this.extras) ids.add(id);
    const users = [...ids].map((id) => this.known.get(id)).filter((u): u is TestUser => !!u);
    this.t.connector.setRoster(this.channel, users.map((u) => rosterEntry(u)));
    const now = users.map((u) => u.id);
    const added = now.filter((id) => !this.roster.includes(id));
    const removed = this.roster.filter((id) => !now.includes(id));
    const first = this.roster.length === 0;
    this.roster = now;
    if (first || (added.length === 0 && removed.length === 0)) return;
    const update = {
      ...groupChatMessage('', { serviceUrl: this.t.connector.url, from: this.coordinator, chatId: this.channel }),
      type: 'conversationUpdate',
      text: undefined,
      entities: undefined,
      ...(added.length ? { membersAdded: added.map((id) => ({ id, aadObjectId: this.known.get(id)?.aadObjectId })) } : {}),
      ...(removed.length ? { membersRemoved: removed.map((id) => ({ id })) } : {}),
    };
    const result = await this.t.post(update);
    if (result.status !== 200) throw new Error(`conversationUpdate got HTTP ${result.status}`);
    await this.t.app.settled();
  }

  /** Sends a message and returns the activities the bot sent in reply. */
  async say(from: TestUser, text: string, options: { mentions?: TestUser[]; locale?: string } = {}): Promise<Array<Record<string, any>>> {
    this.known.set(from.id, from);
    for (const m of options.mentions ?? []) this.known.set(m.id, m);
    await this.syncRoster();
    const activity =
      this.room === 'channel'
        ? channelMessage(text, { serviceUrl: this.t.connector.url, from, channel: this.channel, locale: options.locale })
        : groupChatMessage(text, { serviceUrl: this.t.connector.url, from, chatId: this.channel, locale: options.locale });
    if (options.mentions?.length) {
      activity.text = `${activity.text} ${options.mentions.map((m) => `<at>${m.name}</at>`).join(' ')}`;
      (activity.entities as unknown[]).push(...options.mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })));
    }
    const before = this.t.connector.sentActivities.length;
    const result = await this.t.post(activity);
    if (result.status !== 200) throw new Error(`message got HTTP ${result.status}`);
    await this.t.app.settled();
    return this.t.connector.sentActivities.slice(before).map((c) => c.activity as Record<string, any>);
  }

  /** Clicks an Action.Execute button; returns the invoke response body and what the bot sent meanwhile. */
  async click(from: TestUser, verb: string, data: Record<string, unknown>, options: { locale?: string; id?: string } = {}) {
    this.known.set(from.id, from);
    await this.syncRoster();
    const before = this.t.connector.sentActivities.length;
    const updatesBefore = this.t.connector.updatedActivities.length;
    const conversationId = this.room === 'channel' ? `${this.channel};messageid=1` : this.channel;
    const conversationType = this.room === 'channel' ? 'channel' : 'groupChat';
    const result = await this.t.post(cardAction(verb, data, { serviceUrl: this.t.connector.url, from, conversationId, conversationType, locale: options.locale, id: options.id }));
    await this.t.app.settled();
    return {
      httpStatus: result.status,
      body: result.body as Record<string, any>,
      statusCode: (result.body as Record<string, any>)?.statusCode as number,
      card: (result.body as Record<string, any>)?.value as Record<string, any>,
      message: (result.body as Record<string, any>)?.value?.message as string | undefined,
      sent: this.t.connector.sentActivities.slice(before).map((c) => c.activity as Record<string, any>),
      updates: this.t.connector.updatedActivities.slice(updatesBefore),
    };
  }

  /**
   * Asks for a form the way a person does: the command posts the shared form card, and pressing
   * "Åbn formularen" returns the form itself (what `refresh` shows the requester in Teams).
   */
  async openForm(from: TestUser, command: 'observation' | 'aftale' | 'observe' | 'agree'): Promise<Record<string, any>> {
    const [shared] = cardsOf(await this.say(from, command));
    const open = (shared?.actions ?? []).find((a: Record<string, any>) => a.verb === 'form.open');
    if (!open) throw new Error(`no form card: ${JSON.stringify(shared)}`);
    const opened = await this.click(from, open.verb, open.data);
    if (opened.statusCode !== 200) throw new Error(`the form did not open: ${opened.message}`);
    return opened.card;
  }

  /** What of these activities went into the case's own conversation (the room), not a personal chat. */
  inRoom(activities: Array<Record<string, any>>): Array<Record<string, any>> {
    return activities.filter((a) => String(a.conversation?.id ?? '').split(';messageid=')[0] === this.channel);
  }

  /** What of these activities went to someone's personal chat with the bot. */
  privately(activities: Array<Record<string, any>>): Array<Record<string, any>> {
    return activities.filter((a) => String(a.conversation?.id ?? '').split(';messageid=')[0] !== this.channel);
  }

  async kase() {
    return (await this.t.app.internals.caseRepository.byId(this.caseId))!;
  }
}

export const textOf = (activities: Array<Record<string, any>>) => activities.map((a) => a.text ?? '').join('\n');
export const cardsOf = (activities: Array<Record<string, any>>) => activities.flatMap((a) => (a.attachments ?? []).map((x: Record<string, any>) => x.content));
