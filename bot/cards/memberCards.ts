import { coordinatorOf, type Case, type Member } from '../../core/domain/case';
import { t, type Locale } from '../../core/i18n';
import { adaptiveCard, executeAction, heading, paragraph, type AdaptiveCard, type CardElement } from './card';
import { consentLabel, memberStatusLabel, roleLabel } from '../../core/i18n/format';

export const CONSENT_VERBS = { approve: 'consent.approve', decline: 'consent.decline', withdraw: 'consent.withdraw' } as const;
export const MEMBERS_PAGE_VERB = 'members.page';
export const MEMBERS_PAGE_SIZE = 15;

function memberRow(locale: Locale, kase: Case, member: Member): CardElement {
  const coordinator = member.userId === kase.coordinatorId ? ` (${t(locale, 'members.coordinatorMark')})` : '';
  const details = [memberStatusLabel(locale, member.status), consentLabel(locale, member.consent.state)];
  if (member.legalBasis) details.push(t(locale, 'members.legalBasis', { text: member.legalBasis.text }));
  const items: CardElement[] = [
    paragraph(`**${member.name}**${coordinator} – ${roleLabel(locale, member.role)}`),
    paragraph(details.join(' · '), { isSubtle: true, spacing: 'None', size: 'Small' }),
  ];
  // Guardians withdraw consent from here; the server checks that the clicker is a guardian.
  if (member.status === 'active' && member.consent.state === 'approved') {
    items.push({ type: 'ActionSet', actions: [executeAction(t(locale, 'consent.withdraw'), CONSENT_VERBS.withdraw, { caseId: kase._id, userId: member.userId })] });
  }
  return { type: 'Container', separator: true, items };
}

/** `members`: people, roles and consent status, a page at a time. Removed people are left out. */
export function membersCard(locale: Locale, kase: Case, requestedPage = 1): AdaptiveCard {
  const listed = kase.members.filter((m) => m.status !== 'removed');
  const pages = Math.max(1, Math.ceil(listed.length / MEMBERS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(requestedPage) || 1), pages);
  const shown = listed.slice((page - 1) * MEMBERS_PAGE_SIZE, page * MEMBERS_PAGE_SIZE);
  const actions: CardElement[] = [];
  if (page > 1) actions.push(executeAction(`← ${t(locale, 'members.previous')}`, MEMBERS_PAGE_VERB, { caseId: kase._id, page: page - 1 }));
  if (page < pages) actions.push(executeAction(`${t(locale, 'members.next')} →`, MEMBERS_PAGE_VERB, { caseId: kase._id, page: page + 1 }));
  return adaptiveCard(
    [
      heading(t(locale, 'members.title')),
      paragraph(`${kase.title}${pages > 1 ? ` · ${t(locale, 'members.page', { page, pages })}` : ''}`, { isSubtle: true, spacing: 'None' }),
      ...shown.map((m) => memberRow(locale, kase, m)),
    ],
    actions.length ? { actions } : {},
  );
}

/** Asks the family whether a professional or network person may join. */
export function consentRequestCard(locale: Locale, kase: Case, member: Member, guardians: Member[]): AdaptiveCard {
  const coordinator = coordinatorOf(kase);
  const role = roleLabel(locale, member.role);
  const data = { caseId: kase._id, userId: member.userId };
  return adaptiveCard(
    [
      heading(t(locale, 'consent.card.title', { name: member.name, role })),
      paragraph(guardians.map((g) => `<at>${g.name}</at>`).join(', ')),
      paragraph(t(locale, 'consent.card.body', { coordinator: coordinator?.name ?? '–', name: member.name, role, title: kase.title })),
    ],
    {
      actions: [
        executeAction(t(locale, 'consent.approve'), CONSENT_VERBS.approve, data, { style: 'positive' }),
        executeAction(t(locale, 'consent.decline'), CONSENT_VERBS.decline, data, { style: 'destructive' }),
      ],
      msteams: { entities: guardians.map((g) => ({ type: 'mention', text: `<at>${g.name}</at>`, mentioned: { id: g.userId, name: g.name } })) },
    },
  );
}

/** What replaces the consent card once it has been answered. */
export function consentDecidedCard(locale: Locale, member: Member): AdaptiveCard {
  const key = member.consent.state === 'approved' ? 'consent.approved' : member.consent.state === 'withdrawn' ? 'consent.withdrawn' : 'consent.declined';
  return adaptiveCard([
    heading(t(locale, 'consent.card.title', { name: member.name, role: roleLabel(locale, member.role) })),
    paragraph(t(locale, key, { guardian: member.consent.byName ?? '–', name: member.name })),
  ]);
}
