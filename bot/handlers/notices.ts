import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { CaseEvent } from '../../core/audit/events';
import { isChild } from '../../core/domain/childVoice';
import type { Case, Member } from '../../core/domain/case';
import { isProfessional } from '../../core/domain/roles';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import type { RoomPublisher } from '../audience/publisher';
import { youthConsentCard } from '../cards/childVoiceCards';
import { familyCard, offerCard, summaryCard, vacancyCard } from '../cards/handoverCards';
import { cardMessage } from '../cards/message';

export interface CaseNotices {
  /** Resolves when every notice started so far has been sent (tests, shutdown). */
  idle(): Promise<void>;
}

interface Deps {
  core: Core;
  publisher: RoomPublisher;
  logger: Logger;
}

/**
 * What a handover or a child's-voice change means for other people, sent when its event is in the
 * case's history: so it happens once (an event is appended once per key), whichever surface made
 * the change (a card, a command, the tab), and a repeated click, which writes nothing, tells nobody.
 *
 * Into the case's room go only short texts, through the publisher, which draws them neutrally for
 * a room with someone who may not see the case. Everything else goes to a person's own chat:
 * the proposal, the family's card, the new coordinator's summary, the ask to take over, the young
 * person's question.
 */
export function startCaseNotices({ core, publisher, logger }: Deps): CaseNotices {
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
  };
  const log = logger.child({ component: 'notices' });

  const localeOf = async (userId: string): Promise<Locale> => (await core.conversations.localeOf(userId).catch(() => undefined)) ?? 'da';

  async function whereOf(kase: Case): Promise<{ serviceUrl: string; tenantId?: string }> {
    const record = await core.conversations.get(kase.conversation.conversationId);
    return { serviceUrl: record?.serviceUrl ?? '', tenantId: kase.conversation.tenantId ?? record?.tenantId };
  }

  /** To one person's own chat, in their language; a failure is logged and the rest goes on. */
  async function toPerson(kase: Case, member: Member | undefined, message: (locale: Locale) => Partial<Activity>): Promise<void> {
    if (!member) return;
    try {
      const locale = await localeOf(member.userId);
      const sent = await publisher.sendToPerson({ userId: member.userId, name: member.name, aadObjectId: member.aadObjectId }, await whereOf(kase), message(locale));
      if (!sent) log.warn({ caseId: kase._id, userId: member.userId }, 'could not write to the person privately');
    } catch (error) {
      log.warn({ err: describe(error), caseId: kase._id, userId: member.userId }, 'a personal notice failed');
    }
  }

  /** A short text into the case's room, drawn for its least-privileged reader. */
  async function toRoom(kase: Case, actorId: string, key: MessageKey, params: (locale: Locale) => Record<string, string | number>): Promise<void> {
    try {
      const locale = await localeOf(actorId);
      await publisher.postToCase(kase, { kind: 'text', key, params: params(locale) }, locale);
    } catch (error) {
      log.warn({ err: describe(error), caseId: kase._id, key }, 'could not post a notice into the case conversation');
    }
  }

  const memberOf = (kase: Case, userId: string) => kase.members.find((m) => m.userId === userId && m.status === 'active');

  /** The family's card and the summary, for a new coordinator (after a handover or a take-over). */
  async function newCoordinator(kase: Case, toId: string, fromName: string): Promise<void> {
    const coordinator = memberOf(kase, toId);
    if (!coordinator) return;
    for (const guardian of core.handover.familyOf(kase)) {
      await toPerson(kase, guardian, (locale) => cardMessage(familyCard(locale, { caseTitle: kase.title, toName: coordinator.name, toRole: coordinator.role, fromName }), t(locale, 'handover.family.title')));
    }
    try {
      const summary = await core.handover.summary({ userId: coordinator.userId, aadObjectId: coordinator.aadObjectId, name: coordinator.name }, kase._id);
      await toPerson(kase, coordinator, (locale) => cardMessage(summaryCard(locale, summary)));
    } catch (error) {
      log.warn({ err: describe(error), caseId: kase._id }, 'could not send the new coordinator their summary');
    }
  }

  /** The young person (15+, setting on) is asked which professionals may read the child's voice. */
  async function askYoungPerson(caseId: string, onlyIfSomeoneUnasked: boolean): Promise<void> {
    const request = await core.childVoice.youthRequest(caseId);
    if (!request || (onlyIfSomeoneUnasked && request.unasked.length === 0)) return;
    const professionals = request.professionals.map(({ member, allowed }) => ({ userId: member.userId, name: member.name, role: member.role, allowed }));
    await toPerson(request.kase, request.youngPerson, (locale) => cardMessage(youthConsentCard(locale, { caseId: request.kase._id, caseTitle: request.kase.title, professionals })));
  }

  async function handle(event: CaseEvent): Promise<void> {
    const needsCase = event.type.startsWith('coordinator.') || event.type === 'childVoice.recorded';
    const kase = needsCase ? await core.handover.find(event.caseId) : null;
    switch (event.type) {
      case 'coordinator.handover.proposed': {
        if (!kase) return;
        const { data } = event;
        await toPerson(kase, memberOf(kase, data.toId), (locale) => cardMessage(offerCard(locale, kase._id, kase.title, { id: data.handoverId, fromName: data.fromName }), t(locale, 'handover.card.offer.title')));
        return toRoom(kase, event.actorId, 'handover.proposed', () => ({ from: data.fromName, to: data.toName }));
      }
      case 'coordinator.handover.cancelled': {
        if (!kase || event.data.reason !== 'withdrawn') return;
        const { data } = event;
        await toPerson(kase, memberOf(kase, data.toId), (locale) => ({ type: 'message', text: t(locale, 'handover.notice.cancelled', { from: data.fromName, title: kase.title }) }));
        return toRoom(kase, event.actorId, 'handover.cancelled', () => ({ from: data.fromName, to: data.toName }));
      }
      case 'coordinator.handover.declined': {
        if (!kase) return;
        const { data } = event;
        return toPerson(kase, memberOf(kase, data.fromId), (locale) => ({
          type: 'message',
          text: [t(locale, 'handover.notice.declined', { to: data.toName, title: kase.title }), data.reason ? t(locale, 'handover.notice.declinedReason', { reason: data.reason }) : ''].filter(Boolean).join('\n\n'),
        }));
      }
      case 'coordinator.handover.accepted': {
        if (!kase) return;
        const { data } = event;
        await toRoom(kase, event.actorId, 'handover.room.accepted', () => ({ to: data.toName, from: data.fromName }));
        await toPerson(kase, memberOf(kase, data.fromId), (locale) => ({ type: 'message', text: t(locale, 'handover.notice.accepted', { to: data.toName, title: kase.title }) }));
        return newCoordinator(kase, data.toId, data.fromName);
      }
      case 'coordinator.vacated': {
        if (!kase) return;
        const { data } = event;
        await toRoom(kase, event.actorId, 'handover.room.vacated', () => ({ previous: data.previousName }));
        for (const professional of core.handover.askedToTakeOver(kase)) {
          await toPerson(kase, professional, (locale) => cardMessage(vacancyCard(locale, { caseId: kase._id, caseTitle: kase.title, vacancyId: data.vacancyId, previousName: data.previousName }), t(locale, 'handover.vacancy.title')));
        }
        return;
      }
      case 'coordinator.takenOver': {
        if (!kase) return;
        const { data } = event;
        await toRoom(kase, event.actorId, 'handover.room.takenOver', () => ({ to: data.toName }));
        return newCoordinator(kase, data.toId, data.previousName);
      }
      case 'childVoice.recorded': {
        // What is kept among the professionals is not announced where the family reads along.
        if (!kase || event.data.visibility !== 'family') return;
        const { data } = event;
        return toRoom(kase, event.actorId, data.how === 'by_child' ? 'childVoice.room.recordedByChild' : 'childVoice.room.recorded', (locale) => ({ name: event.actorName, house: t(locale, `childVoice.house.${data.house}`) }));
      }
      case 'childVoice.youthAge':
        if (event.data.youth15Plus) await askYoungPerson(event.caseId, false);
        return;
      case 'member.added':
        if (event.data.status !== 'active') return;
        if (isChild(event.data.role)) return askYoungPerson(event.caseId, false);
        if (isProfessional(event.data.role)) return askYoungPerson(event.caseId, true);
        return;
      case 'member.consent.approved':
        if (isProfessional(event.data.role)) await askYoungPerson(event.caseId, true);
        return;
      default:
        return;
    }
  }

  core.changes.subscribe(
    (event) => track(handle(event as CaseEvent).catch((error: unknown) => log.warn({ err: describe(error), type: event.type, caseId: event.caseId }, 'a notice failed'))),
    (error) => log.warn({ err: describe(error) }, 'a notice failed'),
  );

  return {
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function describe(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : String(error).slice(0, 300);
}
