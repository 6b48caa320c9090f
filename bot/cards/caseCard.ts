import { coordinatorOf, type Case } from '../../core/domain/case';
import { t, type Locale } from '../../core/i18n';
import { formatDateTime } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, type AdaptiveCard } from './card';

export const CASE_REFRESH_VERB = 'case.refresh';

export function caseCard(locale: Locale, kase: Case): AdaptiveCard {
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
