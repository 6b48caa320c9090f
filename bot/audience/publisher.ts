import type { Activity, CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, type ConversationRecord, type Core, type PostedCard, type PostSpec, type SubjectRef } from '../../core';
import { memberClearance, outsidersIn, placeView, roomClearance, type Clearance, type Room } from '../../core/domain/audience';
import { activeMember, coordinatorOf, type Case } from '../../core/domain/case';
import { DomainError, isDomainError } from '../../core/domain/errors';
import type { CaseEvent } from '../../core/audit/events';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { caseConversationOf, channelConversationId } from '../turn';
import { renderPost, type RoomRender } from './posts';
import { inConversation, type RoomDirectory } from './rooms';

/** botbuilder then uses the audience of the cloud it is configured for. */
const CONFIGURED_AUDIENCE = undefined as unknown as string;
/**
 * A send or card update Teams refused is tried this often, right away, before it is left to the
 * catch-up (the connector client itself retries each call a few times, too).
 */
const SEND_ATTEMPTS = 2;
const SEND_BACKOFF_MS = 300;
/** How many waiting posts and card updates one catch-up round handles. */
const CATCH_UP_BATCH = 50;
const DEFERRED = 'samspil.deferredPost';
const OUTCOME = 'samspil.outcome';

/** Teams did not take a message: not a refusal of ours, not the database. */
const isDeliveryFailure = (error: unknown): boolean => !isDomainError(error) && !isDatabaseUnavailable(error);

/** Whether a post of this turn was left for the catch-up (the change behind it is saved). */
export const hadDeferredPost = (context: TurnContext): boolean => context.turnState.get(DEFERRED) === true;

/** What this turn answered, in words (message keys), for answering a redelivery the same way. */
export const outcomeOf = (context: TurnContext): Array<{ key: string; params: Record<string, string | number> }> => context.turnState.get(OUTCOME) ?? [];

/** A view for one person (their timeline, their tasks …) and what it may contain. */
export interface PersonalView {
  /** The clearance a reader needs to see all of it. */
  needs: Clearance;
  /** Content from several cases: never posted into a shared room. */
  crossCase?: boolean;
  /** How the note in the room names it ("tidslinjen"). */
  what: MessageKey;
  /** The message, for where it ends up (a personal chat may carry buttons only the person may use). */
  message: (placed: 'room' | 'personal') => Partial<Activity>;
}

export interface Person {
  userId: string;
  name: string;
  aadObjectId?: string;
}

/**
 * The one module that decides what the bot posts where (domain.md: a conversation is a room).
 * Every reply, card, card update and proactive post about a case goes through it: it finds out
 * who can read the room, renders the message for the room's least-privileged reader, remembers
 * what it posted, and renders it again when the thing it shows changes or the room's audience does.
 * Views for one person go to the room only when everyone there may see all of them.
 */
export class RoomPublisher {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly core: Core,
    readonly rooms: RoomDirectory,
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly logger: Logger,
  ) {}

  /** Cards follow the audit trail: every change made anywhere (bot, tab, reminders) updates its cards. */
  subscribe(): void {
    this.core.changes.subscribe(
      (event) => this.track(this.onEvent(event)),
      (error) => this.logger.warn({ err: describe(error) }, 'could not bring the posted cards in step with a change'),
    );
  }

  /** Resolves when every card update started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  // ---- posting into the case's room ----

  /**
   * Posts into the case's room: as a reply when the turn is in that room, otherwise proactively.
   * Returns the posted activity's ID.
   */
  async post(context: TurnContext, kase: Case, spec: PostSpec, locale: Locale, render?: RoomRender): Promise<string | undefined> {
    const here = channelConversationId(context.activity.conversation.id);
    if (here !== kase.conversation.conversationId) return (await this.postToCase(kase, spec, locale, render)).activityId;
    const room = await this.rooms.ofTurn(context);
    const clearance = roomClearance(kase, room);
    const draw = render ?? (await renderPost(this.core, kase, spec, locale));
    if (!draw) return undefined;
    if (spec.kind === 'text') this.recordOutcome(context, spec.key, spec.params);
    let response;
    try {
      response = await sendWithRetry(() => context.sendActivity(draw(clearance)));
    } catch (error) {
      if (!isDeliveryFailure(error)) throw error;
      await this.defer(context, kase, spec, locale, error);
      return undefined;
    }
    if (response?.id) await this.remember(kase, spec, locale, clearance, context.activity.conversation.id, response.id);
    // A confirmation the room got only in neutral words reaches the member who acted in full, privately.
    if (spec.kind === 'text' && clearance === 'outsider') await this.confirmPrivately(context, kase, draw);
    return response?.id;
  }

  /** Names what this turn did, so that a redelivery of it is answered the same way. */
  recordOutcome(context: TurnContext, key: string, params: Record<string, string | number>): void {
    context.turnState.set(OUTCOME, [...outcomeOf(context), { key, params }]);
  }

  /** Teams did not take the post: the change behind it is saved, so the post waits for the catch-up. */
  private async defer(context: TurnContext, kase: Case, spec: PostSpec, locale: Locale, error: unknown): Promise<void> {
    this.logger.warn({ err: describe(error), caseId: kase._id, kind: spec.kind }, 'Teams did not take a post; it is sent again when Teams answers');
    await this.core.postedCards.defer(kase._id, spec, locale, JSON.stringify(describe(error)), new Date());
    context.turnState.set(DEFERRED, true);
  }

  private async confirmPrivately(context: TurnContext, kase: Case, draw: RoomRender): Promise<void> {
    const { activity } = context;
    const member = activeMember(kase, { userId: activity.from.id, aadObjectId: activity.from.aadObjectId });
    if (!member) return;
    await this.sendToPerson(
      { userId: activity.from.id, name: activity.from.name ?? member.name, aadObjectId: activity.from.aadObjectId },
      { serviceUrl: activity.serviceUrl, tenantId: caseConversationOf(activity).tenantId },
      draw(memberClearance(member)),
    );
  }

  /** Posts into the case's room without a turn there (the tab, reminders). Throws when it could not be delivered. */
  async postToCase(kase: Case, spec: PostSpec, locale: Locale, render?: RoomRender): Promise<{ activityId?: string }> {
    const record = await this.core.conversations.get(kase.conversation.conversationId);
    if (!record) throw new DomainError('error.noConversationReference', {}, 'conflict');
    const room = await this.rooms.ofRecord(record);
    const clearance = roomClearance(kase, room);
    const draw = render ?? (await renderPost(this.core, kase, spec, locale));
    if (!draw) return {};
    const response = await sendWithRetry(() => inConversation(this.adapter, this.botAppId, record.reference as Partial<ConversationReference>, (context) => context.sendActivity(draw(clearance))));
    if (response?.id) await this.remember(kase, spec, locale, clearance, record._id, response.id);
    return { activityId: response?.id };
  }

  // ---- catching up with what Teams did not take ----

  /**
   * Sends the posts Teams did not take when they were made, drawn from the data as it is now, and
   * draws again the cards whose update it refused. Runs on a timer; tests call it with a later `now`.
   */
  async catchUp(now: Date = new Date()): Promise<{ posted: number; redrawn: number }> {
    let posted = 0;
    for (const pending of await this.core.postedCards.duePosts(now, CATCH_UP_BATCH)) {
      const kase = await this.core.cases.find(pending.caseId);
      try {
        if (kase) await this.postToCase(kase, pending.spec, pending.locale);
        await this.core.postedCards.posted(pending);
        posted += 1;
      } catch (error) {
        if (await this.core.postedCards.notPosted(pending, JSON.stringify(describe(error)), now)) {
          this.logger.error({ err: describe(error), caseId: pending.caseId, kind: pending.spec.kind }, 'gave up a post Teams never took');
        }
      }
    }
    const stale = await this.core.postedCards.stale(CATCH_UP_BATCH);
    await this.redraw(stale, { force: true }).catch((error: unknown) => this.logger.warn({ err: describe(error) }, 'cards are still waiting for Teams'));
    const redrawn = stale.length - (await this.core.postedCards.stale(CATCH_UP_BATCH)).length;
    return { posted, redrawn };
  }

  private catchUpTimer?: NodeJS.Timeout;

  startCatchUp(everyMs: number): void {
    this.catchUpTimer = setInterval(() => void this.track(this.catchUp()).catch((error: unknown) => this.logger.warn({ err: describe(error) }, 'catch-up round failed')), everyMs);
    this.catchUpTimer.unref();
  }

  stopCatchUp(): void {
    clearInterval(this.catchUpTimer);
  }

  /** The clearance of the room a turn is in, for a case. */
  async clearanceHere(context: TurnContext, kase: Case): Promise<{ room: Room; clearance: Clearance }> {
    const room = await this.rooms.ofTurn(context);
    return { room, clearance: roomClearance(kase, room) };
  }

  // ---- views for one person ----

  /**
   * A view for the person who asked: into the room when everyone who can read it may see all of
   * it, otherwise into the person's own chat with the bot, with a note in the room saying where it went.
   */
  async showView(context: TurnContext, kase: Case | null, view: PersonalView, locale: Locale): Promise<void> {
    const room = await this.rooms.ofTurn(context);
    const level = kase ? roomClearance(kase, room) : 'outsider';
    if (placeView(room, level, view) === 'room') {
      await context.sendActivity(view.message(room.kind === 'personal' ? 'personal' : 'room'));
      return;
    }
    const { activity } = context;
    const sent = await this.sendToPerson(
      { userId: activity.from.id, name: activity.from.name ?? '', aadObjectId: activity.from.aadObjectId },
      { serviceUrl: activity.serviceUrl, tenantId: caseConversationOf(activity).tenantId },
      view.message('personal'),
    );
    const note: MessageKey = !sent ? 'private.failed' : view.crossCase ? 'private.sentPersonal' : 'private.sent';
    await context.sendActivity(t(locale, note, { what: t(locale, view.what) }));
  }

  /**
   * Sends to a person's own chat with the bot: the newest stored one, or a new one created through
   * the connector. False when neither worked.
   */
  async sendToPerson(person: Person, where: { serviceUrl: string; tenantId?: string }, message: Partial<Activity>): Promise<boolean> {
    const stored = await this.core.conversations.personalChatOf(person.userId);
    if (stored) {
      try {
        await inConversation(this.adapter, this.botAppId, stored.reference as Partial<ConversationReference>, (context) => context.sendActivity(message));
        return true;
      } catch (error) {
        this.logger.info({ err: describe(error), userId: person.userId }, 'the stored personal chat refused the message; creating a new one');
      }
    }
    try {
      await this.createPersonalChat(person, where, message);
      return true;
    } catch (error) {
      this.logger.warn({ err: describe(error), userId: person.userId }, 'could not write to the person privately');
      return false;
    }
  }

  private async createPersonalChat(person: Person, where: { serviceUrl: string; tenantId?: string }, message: Partial<Activity>): Promise<void> {
    const bot = { id: this.botAppId ? `28:${this.botAppId}` : '28:samspil', name: 'Samspil' };
    const parameters = {
      isGroup: false,
      bot,
      members: [{ id: person.userId, name: person.name }],
      tenantId: where.tenantId,
      channelData: { tenant: { id: where.tenantId } },
    } as unknown as ConversationParameters;
    let conversationId: string | undefined;
    await this.adapter.createConversationAsync(this.botAppId, 'msteams', where.serviceUrl, CONFIGURED_AUDIENCE, parameters, async (context) => {
      conversationId = context.activity.conversation?.id;
    });
    if (!conversationId) throw new Error('the connector did not create the personal chat');
    // Sent like every later message to this chat: through the reference we keep for it.
    const record: ConversationRecord = {
      _id: conversationId,
      kind: 'personal',
      tenantId: where.tenantId,
      userId: person.userId,
      aadObjectId: person.aadObjectId,
      serviceUrl: where.serviceUrl,
      reference: {
        channelId: 'msteams',
        serviceUrl: where.serviceUrl,
        bot,
        user: { id: person.userId, name: person.name },
        conversation: { id: conversationId, conversationType: 'personal', tenantId: where.tenantId, isGroup: false },
      },
      updatedAt: new Date(),
    };
    await inConversation(this.adapter, this.botAppId, record.reference as Partial<ConversationReference>, (context) => context.sendActivity(message));
    await this.core.conversations.remember(record);
  }

  // ---- the coordinator's warning ----

  /**
   * Tells the coordinator, in their own chat and once per person, when the case's room is read by
   * people who may not see the case (or by an unbounded audience): who, and what they can and cannot see.
   */
  async warnAboutOutsiders(kase: Case, room: Room, where: { serviceUrl: string; tenantId?: string }, locale: Locale): Promise<void> {
    const coordinator = coordinatorOf(kase);
    if (!coordinator || room.kind === 'personal') return;
    const outsiders = room.readers ? outsidersIn(kase, room) : [];
    const keys = room.kind === 'standardChannel' ? ['*standard'] : room.readers === null ? ['*unknown'] : outsiders.map((o) => o.reader.userId ?? o.reader.aadObjectId ?? o.name);
    if (keys.length === 0) return;
    const warned = await this.core.conversations.warnedAbout(room.conversationId);
    if (keys.every((key) => warned.has(key))) return;
    const text =
      room.kind === 'standardChannel'
        ? t(locale, 'warning.standardChannel', { title: kase.title })
        : room.readers === null
          ? t(locale, 'warning.unknownRoom', { title: kase.title })
          : t(locale, 'warning.room', { title: kase.title, people: outsiders.map((o) => t(locale, `outsider.${o.reason}`, { name: o.name })).join(', ') });
    const sent = await this.sendToPerson(coordinator, where, { type: 'message', text });
    if (sent) await this.core.conversations.markWarned(room.conversationId, keys);
  }

  // ---- keeping posted cards true ----

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async onEvent(event: CaseEvent): Promise<void> {
    switch (event.type) {
      case 'agreement.accepted':
      case 'agreement.declined':
      case 'agreement.done':
      case 'agreement.cancelled':
        return this.refreshSubject(event.caseId, { kind: 'agreement', agreementId: event.data.agreementId });
      case 'assessment.closed':
        return this.refreshSubject(event.caseId, { kind: 'round', roundId: event.data.roundId });
      case 'case.closed':
        return this.refreshSubject(event.caseId, { kind: 'case' });
      case 'member.added':
      case 'member.removed':
      case 'member.consent.approved':
      case 'member.consent.declined':
      case 'member.consent.withdrawn':
        // Who may read the room changed: a consent card says what was decided, and every card in
        // the room is drawn again for its least-privileged reader.
        await this.refreshSubject(event.caseId, { kind: 'consent', userId: event.data.userId });
        return this.resyncCase(event.caseId);
      default:
        return;
    }
  }

  /** Whether a card showing this thing was posted (so a retry knows whether to post it). */
  async isPosted(caseId: string, match: SubjectRef): Promise<boolean> {
    return (await this.core.postedCards.forSubject(caseId, match)).length > 0;
  }

  /** Draws again every card that shows this thing, wherever it was posted. */
  async refreshSubject(caseId: string, match: SubjectRef): Promise<void> {
    const cards = await this.core.postedCards.forSubject(caseId, match);
    await this.redraw(cards, { force: true });
  }

  /** The audience of a conversation changed: draw its cards again where their reader level changed. */
  resyncRoom(conversationId: string): Promise<void> {
    return this.track(this.core.postedCards.inConversation(conversationId).then((cards) => this.redraw(cards, { force: false })));
  }

  /** Membership changed: redraw the room's cards for its readers now, and warn if someone in it lost access. */
  private async resyncCase(caseId: string): Promise<void> {
    const kase = await this.core.cases.find(caseId);
    if (!kase) return;
    const conversationId = kase.conversation.conversationId;
    await this.redraw(await this.core.postedCards.inConversation(conversationId), { force: false });
    const record = await this.core.conversations.get(conversationId);
    if (!record) return;
    const room = await this.rooms.ofRecord(record);
    const coordinatorLocale = (await this.core.conversations.localeOf(kase.coordinatorId)) ?? 'da';
    await this.warnAboutOutsiders(kase, room, { serviceUrl: record.serviceUrl, tenantId: kase.conversation.tenantId ?? record.tenantId }, coordinatorLocale);
  }

  private async redraw(cards: PostedCard[], { force }: { force: boolean }): Promise<void> {
    const cases = new Map<string, Promise<Case | null>>();
    const rooms = new Map<string, Promise<{ record: ConversationRecord; room: Room } | null>>();
    for (const card of cards) {
      if (!cases.has(card.caseId)) cases.set(card.caseId, this.core.cases.find(card.caseId));
      if (!rooms.has(card.conversationId)) rooms.set(card.conversationId, this.roomOfConversation(card.conversationId));
    }
    await Promise.all(
      cards.map(async (card) => {
        const [kase, where] = await Promise.all([cases.get(card.caseId), rooms.get(card.conversationId)]);
        if (!kase || !where) return;
        const clearance = roomClearance(kase, where.room);
        if (!force && clearance === card.renderedFor) return;
        await this.serialized(card._id, () => this.redrawOne(card, kase, where.record, clearance));
      }),
    );
  }

  private async roomOfConversation(conversationId: string): Promise<{ record: ConversationRecord; room: Room } | null> {
    const record = await this.core.conversations.get(conversationId);
    return record ? { record, room: await this.rooms.ofRecord(record) } : null;
  }

  private serialized(key: string, work: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.chains.set(key, next);
    void next
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  private async redrawOne(card: PostedCard, kase: Case, record: ConversationRecord, clearance: Clearance): Promise<void> {
    const draw = await renderPost(this.core, kase, card.spec, card.locale);
    if (!draw) return;
    const activity = { ...draw(clearance), id: card.activityId, type: 'message' } as Partial<Activity>;
    const stored = record.reference as Partial<ConversationReference>;
    const reference = { ...stored, conversation: { ...(stored.conversation ?? {}), id: card.postedTo } } as Partial<ConversationReference>;
    try {
      await sendWithRetry(() => inConversation(this.adapter, this.botAppId, reference, (context) => context.updateActivity(activity)));
    } catch (error) {
      // The card shows an old state: the catch-up draws it again until Teams takes it.
      if (isDeliveryFailure(error)) await this.core.postedCards.markStale(card._id).catch(() => undefined);
      throw error;
    }
    await this.core.postedCards.renderedFor(card._id, clearance, new Date());
  }

  /** Keeps what a message shows, so it can be drawn again; posts made elsewhere (a new channel) register here too. */
  async remember(kase: Case, spec: PostSpec, locale: Locale, clearance: Clearance, postedTo: string, activityId: string): Promise<void> {
    const conversationId = channelConversationId(postedTo);
    const at = new Date();
    try {
      await this.core.postedCards.remember({ _id: `${conversationId}|${activityId}`, caseId: kase._id, conversationId, postedTo, activityId, locale, spec, renderedFor: clearance, postedAt: at, updatedAt: at });
    } catch (error) {
      // The message is out; only a later update of it is at stake.
      this.logger.warn({ err: describe(error), caseId: kase._id }, 'could not remember a posted card');
    }
  }
}

/** Tries a send a few times, quickly: Teams' hiccups are often over within a second. */
async function sendWithRetry<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= SEND_ATTEMPTS || !isDeliveryFailure(error)) throw error;
      await new Promise((r) => setTimeout(r, SEND_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}

function describe(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : String(error).slice(0, 300);
}
