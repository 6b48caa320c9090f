import type { Clearance } from '../../core/domain/audience';
import { coordinatorOf, type Case } from '../../core/domain/case';
import { t, type Locale } from '../../core/i18n';
import { formatDateTime } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, type AdaptiveCard } from './card';
import { activeMemberIds, neutralCard } from './neutralCard';

export const CASE_REFRESH_VERB = 'case.refresh';

/** The case card, for the room's least-privileged reader; members fetch their own view through `refresh`. */
export function caseCard(locale: Locale, kase: Case, clearance: Clearance): AdaptiveCard {
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.case', { verb: CASE_REFRESH_VERB, data: { caseId: kase._id }, userIds: activeMemberIds(kase) });
  const coordinator = coordinatorOf(kase);
  const active = kase.members.filter((m) => m.status === 'active');
  return adaptiveCard(
    [
      heading(t(locale, 'case.title', { title: kase.title })),
      facts([
        [t(locale, 'case.child'), kase.childRef || t(locale, 'case.childUnknown')],
        [t(locale, 'case.coordinator'), coordinator?.name ?? '–'],
        [t(locale, 'case.status'), t(locale, kase.status === 'open' ? 'case.status.open' : 'case.status.closed')],
        [t(locale, 'case.members'), String(active.length)],
        [t(locale, 'case.createdAt'), formatDateTime(locale, kase.createdAt)],
        [t(locale, 'case.updatedAt'), formatDateTime(locale, kase.updatedAt)],
      ]),
    ],
    { actions: [executeAction(t(locale, 'action.refresh'), CASE_REFRESH_VERB, { caseId: kase._id })] },
  );
}
