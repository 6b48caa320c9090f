import { TurnContext, type ConversationAccount, type ConversationParameters } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChannelLink, Core } from '../../core';
import { roomClearance, type Room } from '../../core/domain/audience';
import { activeMember, CHILD_REF_MAX, TITLE_MAX, type Case, type CaseConversation } from '../../core/domain/case';
import { DomainError } from '../../core/domain/errors';
import { cleanText } from '../../core/domain/text';
import { t, type Locale } from '../../core/i18n';
import { cardMessage } from '../cards/message';
import { caseCard } from '../cards/caseCard';
import type { RoomPublisher } from '../audience/publisher';
import { actorOf, caseConversationOf } from '../turn';
import type { CaseChannels } from './caseChannels';


/** botbuilder then uses the audience of the cloud it is configured for. */
const CONFIGURED_AUDIENCE = undefined as unknown as string;

/**
 * The bot's side of case channels: `new case` in a team when CASE_CHANNELS asks for a channel per
 * case, and archiving on `close case`. The command handlers (bot/handlers) call it.
 */
export class ChannelCommands {
  constructor(
    private readonly core: Core,
    readonly caseChannels: CaseChannels,
    private readonly botAppId: string,
    private readonly logger: Logger,
    private readonly publisher: () => RoomPublisher,
  ) {}

  /** Creates the case in a channel of its own; false when the case belongs where it was asked for. */
  async newCaseInOwnChannel(context: TurnContext, locale: Locale, title: string, childRef: string): Promise<boolean> {
    const conversation = caseConversationOf(context.activity);
    if (this.caseChannels.mode === 'current' || conversation.kind !== 'channel') return false;
    const actor = actorOf(context.activity);

    // Refuse bad input before anything is created in Teams; createCase checks it again.
    if (title.trim() === '') throw new DomainError('error.titleRequired');
    const cleanTitle = cleanText(title, 'field.title', TITLE_MAX);
    cleanText(childRef, 'field.childRef', CHILD_REF_MAX, { required: false });

    const tenantId = conversation.tenantId;
    const teamAadGroupId = await this.caseChannels.teamAadGroupId(conversation.conversationId, conversation.teamId);
    const outcome = await this.caseChannels.createChannel({
      tenantId: tenantId ?? '',
      teamAadGroupId,
      teamId: conversation.teamId,
      title: cleanTitle,
      description: t(locale, 'channels.description', { title: cleanTitle, coordinator: actor.name }),
      fallbackName: t(locale, 'channels.defaultName'),
      ownerAadObjectId: actor.aadObjectId,
    });

    if (outcome.kind === 'refused') {
      await context.sendActivity(t(locale, outcome.message, outcome.params));
      return true;
    }
    if (outcome.kind === 'fallback') {
      const kase = await this.core.cases.createCase(actor, conversation, { title, childRef });
      const publisher = this.publisher();
      await publisher.post(context, kase, { kind: 'case' }, locale, (c) =>
        cardMessage(caseCard(locale, kase, c), c === 'outsider' ? t(locale, 'case.createdNeutral') : t(locale, 'case.created', { title: kase.title })),
      );
      await context.sendActivity(t(locale, outcome.hint));
      const { room } = await publisher.clearanceHere(context, kase);
      await publisher.warnAboutOutsiders(kase, room, { serviceUrl: context.activity.serviceUrl, tenantId }, locale);
      return true;
    }

    const channel = outcome.channel;
    const caseConversation: CaseConversation = { conversationId: channel.channelId, tenantId, teamId: conversation.teamId, channelId: channel.channelId, kind: 'channel' };
    let kase: Case;
    try {
      kase = await this.core.cases.createCase(actor, caseConversation, { title, childRef });
    } catch (error) {
      this.logger.warn({ channelId: channel.channelId }, 'a case channel was created, but the case was not; the channel stays empty');
      throw error;
    }
    const link = await this.core.channelLinks.link(kase, channel, actor);
    await this.postIntoChannel(context, locale, kase, link);

    // The reply goes to the room the command was typed in, which is not the case's room.
    const params = { title: kase.title, channel: link.displayName, url: link.webUrl ?? '' };
    const reply = link.membershipType === 'private' ? 'channels.createdPrivate' : link.webUrl ? 'channels.created' : 'channels.createdNoLink';
    const here = await this.publisher().rooms.ofTurn(context);
    if (roomClearance(kase, here) === 'outsider') {
      // The room the command came from may not see the case; its name and link go to the coordinator alone.
      await context.sendActivity(t(locale, 'channels.createdNeutral'));
      await this.publisher().sendToPerson(
        { userId: actor.userId, name: actor.name, aadObjectId: actor.aadObjectId },
        { serviceUrl: context.activity.serviceUrl, tenantId },
        { type: 'message', text: t(locale, reply, params) },
      );
    } else {
      await context.sendActivity(t(locale, reply, params));
    }
    if (link.membershipType !== 'private') {
      await this.publisher().warnAboutOutsiders(kase, { kind: 'standardChannel', conversationId: link.channelId, readers: null }, { serviceUrl: context.activity.serviceUrl, tenantId }, locale);
    }
    return true;
  }

  /**
   * Starts the channel with the case card. No Graph call: the bot creates a conversation in the
   * channel (channelData.channel.id), and remembers the channel for proactive messages. A private
   * channel has only the coordinator in it yet; a standard one is read by the whole team.
   */
  private async postIntoChannel(context: TurnContext, locale: Locale, kase: Case, link: ChannelLink): Promise<void> {
    const { activity } = context;
    const coordinator = activeMember(kase, { userId: kase.coordinatorId });
    const room: Room =
      link.membershipType === 'private'
        ? { kind: 'privateChannel', conversationId: link.channelId, readers: coordinator ? [{ userId: coordinator.userId, aadObjectId: coordinator.aadObjectId }] : [] }
        : { kind: 'standardChannel', conversationId: link.channelId, readers: null };
    const clearance = roomClearance(kase, room);
    let postedTo: { conversationId: string; activityId?: string } | undefined;
    const parameters = {
      isGroup: true,
      bot: activity.recipient,
      tenantId: link.tenantId,
      channelData: { channel: { id: link.channelId }, tenant: { id: link.tenantId } },
      activity: cardMessage(caseCard(locale, kase, clearance), clearance === 'outsider' ? t(locale, 'channels.welcomeNeutral') : t(locale, 'channels.welcome', { title: kase.title })),
    } as ConversationParameters;
    await context.adapter.createConversationAsync(this.botAppId, activity.channelId, activity.serviceUrl, CONFIGURED_AUDIENCE, parameters, async (created) => {
      postedTo = { conversationId: created.activity.conversation.id, activityId: created.activity.id };
      const reference = TurnContext.getConversationReference(created.activity);
      reference.conversation = { ...reference.conversation, id: link.channelId, isGroup: true, conversationType: 'channel', tenantId: link.tenantId } as ConversationAccount;
      delete reference.activityId;
      await this.core.conversations.remember({
        _id: link.channelId,
        kind: 'channel',
        tenantId: link.tenantId,
        teamId: link.teamId,
        aadGroupId: link.teamAadGroupId,
        channelId: link.channelId,
        serviceUrl: activity.serviceUrl,
        reference: JSON.parse(JSON.stringify({ ...reference, bot: activity.recipient })) as Record<string, unknown>,
        updatedAt: new Date(),
      });
    });
    if (postedTo?.activityId) await this.publisher().remember(kase, { kind: 'case' }, locale, clearance, postedTo.conversationId, postedTo.activityId);
  }
}

/** Counts for the closing summary, from the audit trail. */
async function closingCounts(core: Pick<Core, 'timeline'>, caseId: string): Promise<{ observations: number; assessments: number; agreements: number }> {
  const counts = await core.timeline.counts(caseId, ['observation.created', 'assessment.closed', 'agreement.proposed']);
  return { observations: counts['observation.created'], assessments: counts['assessment.closed'], agreements: counts['agreement.proposed'] };
}

/**
 * `luk sag` / `close case`: the coordinator closes the case, the summary card is posted, and the
 * case's own channel (if it has one) is archived afterwards, because an archived channel takes no
 * new messages.
 */
export async function closeCaseCommand(context: TurnContext, core: Core, publisher: RoomPublisher, locale: Locale, channels?: CaseChannels): Promise<void> {
  const actor = actorOf(context.activity);
  const conversation = caseConversationOf(context.activity);
  const kase = await core.cases.closeCase(actor, { conversationId: conversation.conversationId });
  const link = channels ? await channels.linkOf(kase._id) : null;
  const counts = await closingCounts(core, kase._id);
  const channel = link ? 'archiving' : kase.conversation.kind === 'channel' ? 'kept' : undefined;
  await publisher.post(context, kase, { kind: 'closing', closedBy: actor.name, counts, ...(channel ? { channel } : {}) }, locale);
  if (!channels || !link) return;
  const archived = await channels.archive(kase, actor);
  if (archived === 'notAllowed') await context.sendActivity(t(locale, 'close.archiveNotAllowed'));
  if (archived === 'failed') await context.sendActivity(t(locale, 'close.archiveFailed'));
}
