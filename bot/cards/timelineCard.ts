import type { CaseEvent } from '../../core/domain/events';
import type { Role } from '../../core/domain/roles';
import type { IcsArea, WellbeingLevel } from '../../core/domain/scales';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { formatDateTime, icsLabel, levelLabel, roleLabel, truncate } from '../../core/i18n/format';
import type { TimelinePage } from '../../core/services/timelineService';
import { adaptiveCard, executeAction, heading, paragraph, type AdaptiveCard, type CardElement } from './card';
import { describeMeetingEvent } from './meetingCards';

export const TIMELINE_VERB = 'timeline.page';
const KNOWN = new Set([
  'case.created',
  'case.closed',
  'member.added',
  'member.removed',
  'member.consent.approved',
  'member.consent.declined',
  'member.consent.withdrawn',
  'observation.created',
  'assessment.opened',
  'assessment.answered',
  'assessment.closed',
  'agreement.proposed',
  'agreement.accepted',
  'agreement.declined',
  'agreement.done',
  'agreement.cancelled',
  'meeting.minutes',
  'case.channelCreated',
  'case.channelArchived',
  'reminder.snoozed',
  'member.linked',
  'person.erased',
  'case.hold.placed',
  'case.hold.released',
  'coordinator.handover.proposed',
  'coordinator.handover.accepted',
  'coordinator.handover.declined',
  'coordinator.handover.cancelled',
  'coordinator.vacated',
  'coordinator.takenOver',
  'childVoice.recorded',
  'childVoice.youthAge',
  'childVoice.youthConsent',
  'earlyWarning.raised',
  'earlyWarning.dismissed',
  'earlyWarning.acted',
]);

const str = (value: unknown) => (typeof value === 'string' ? value : '');

export function describeEvent(locale: Locale, event: CaseEvent): string {
  const d = event.data;
  // Case meetings name the meeting by its time (bot/cards/meetingCards.ts).
  if (event.type.startsWith('meeting.') && event.type !== 'meeting.minutes') return describeMeetingEvent(locale, event);
  if (!KNOWN.has(event.type)) return t(locale, 'event.other', { type: event.type });
  const params: Record<string, string | number> = {
    name: str(d.name),
    role: d.role ? roleLabel(locale, d.role as Role) : '',
    what: truncate(str(d.what), 120),
    number: typeof d.number === 'number' ? d.number : '',
    area: d.area ? icsLabel(locale, d.area as IcsArea) : '',
    level: d.level ? levelLabel(locale, d.level as WellbeingLevel) : '',
    count: Array.isArray(d.userIds) ? d.userIds.length : 0,
    // Coordinator handover and the child's voice (docs/handover.md, docs/child-voice.md).
    from: str(d.fromName),
    to: str(d.toName),
    previous: str(d.previousName),
    house: typeof d.house === 'string' && ['worries', 'good_things', 'dreams'].includes(d.house) ? t(locale, `childVoice.house.${d.house}` as MessageKey) : '',
  };
  // A person proposed for the case is not in it yet: the timeline says so.
  if (event.type === 'member.added' && d.status === 'pending') return t(locale, 'event.member.added.pending', params);
  return t(locale, `event.${event.type}` as MessageKey, params);
}

function eventRow(locale: Locale, event: CaseEvent): CardElement {
  const detail = event.type === 'observation.created' ? truncate(str(event.data.text), 280) : str(event.data.reason);
  return {
    type: 'Container',
    separator: true,
    items: [
      paragraph(`${event.visibility === 'professionals' ? '🔒 ' : ''}**${describeEvent(locale, event)}**`),
      paragraph(`${event.actorName} · ${formatDateTime(locale, event.at)}`, { isSubtle: true, spacing: 'None', size: 'Small' }),
      ...(detail ? [paragraph(detail, { spacing: 'Small' })] : []),
    ],
  };
}

export function timelineCard(locale: Locale, view: TimelinePage & { caseTitle: string; caseId: string }): AdaptiveCard {
  const actions: CardElement[] = [];
  if (view.page > 1) actions.push(executeAction(`← ${t(locale, 'timeline.newer')}`, TIMELINE_VERB, { caseId: view.caseId, page: view.page - 1 }));
  if (view.page < view.pages) actions.push(executeAction(`${t(locale, 'timeline.older')} →`, TIMELINE_VERB, { caseId: view.caseId, page: view.page + 1 }));
  return adaptiveCard(
    [
      heading(t(locale, 'timeline.title', { title: view.caseTitle, page: view.page, pages: view.pages })),
      ...(view.events.length === 0 ? [paragraph(t(locale, 'timeline.empty'))] : view.events.map((e) => eventRow(locale, e))),
    ],
    actions.length ? { actions } : {},
  );
}
