import type { Clearance } from '../../core/domain/audience';
import { coordinatorOf, type Case } from '../../core/domain/case';
import { t, type Locale } from '../../core/i18n';
import { formatDateTime } from '../../core/i18n/format';
import { adaptiveCard, facts, heading, paragraph, type AdaptiveCard } from '../cards/card';
import { CASE_REFRESH_VERB } from '../cards/caseCard';
import { activeMemberIds, neutralCard } from '../cards/neutralCard';

export interface ClosingFacts {
  closedBy: string;
  closedAt: Date;
  observations: number;
  assessments: number;
  agreements: number;
  /** 'archiving': the case's own channel is being archived; 'kept': the case lived in an existing channel. */
  channel?: 'archiving' | 'kept';
}

/** The summary posted when a case closes. It has no buttons: a closed case takes no changes. */
export function closingCard(locale: Locale, kase: Case, closing: ClosingFacts, clearance: Clearance): AdaptiveCard {
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.closing', { verb: CASE_REFRESH_VERB, data: { caseId: kase._id }, userIds: activeMemberIds(kase) });
  const coordinator = coordinatorOf(kase);
  const rows: Array<[string, string]> = [
    [t(locale, 'case.child'), kase.childRef || t(locale, 'case.childUnknown')],
    [t(locale, 'case.coordinator'), coordinator?.name ?? '–'],
    [t(locale, 'case.status'), t(locale, 'case.status.closed')],
    [t(locale, 'case.members'), String(kase.members.filter((m) => m.status === 'active').length)],
    [t(locale, 'close.summary.observations'), String(closing.observations)],
    [t(locale, 'close.summary.assessments'), String(closing.assessments)],
    [t(locale, 'close.summary.agreements'), String(closing.agreements)],
    [t(locale, 'case.createdAt'), formatDateTime(locale, kase.createdAt)],
    [t(locale, 'close.summary.closedAt'), formatDateTime(locale, closing.closedAt)],
    [t(locale, 'close.summary.closedBy'), closing.closedBy],
  ];
  if (closing.channel) rows.push([t(locale, 'close.summary.channel'), t(locale, closing.channel === 'archiving' ? 'close.summary.channel.archiving' : 'close.summary.channel.kept')]);
  return adaptiveCard([heading(t(locale, 'close.summary.title', { title: kase.title })), paragraph(t(locale, 'close.summary.body')), facts(rows)]);
}
