import type { Clearance } from '../../core/domain/audience';
import { activeGuardians, coordinatorOf, type Case, type Member } from '../../core/domain/case';
import { isGuardian } from '../../core/domain/roles';
import { t, type Locale } from '../../core/i18n';
import { adaptiveCard, executeAction, heading, paragraph, refreshFor, type AdaptiveCard, type CardElement } from './card';
import { neutralCard, showMine } from './neutralCard';
import { consentLabel, memberStatusLabel, roleLabel } from '../../core/i18n/format';

export const CONSENT_VERBS = { approve: 'consent.approve', decline: 'consent.decline', withdraw: 'consent.withdraw', view: 'consent.view' } as const;
export const MEMBERS_PAGE_VERB = 'members.page';
export const MEMBERS_PAGE_SIZE = 15;

function memberRow(locale: Locale, kase: Case, member: Member, viewer?: Member): CardElement {
  const coordinator = member.userId === kase.coordinatorId ? ` (${t(locale, 'members.coordinatorMark')})` : '';
  const details = [memberStatusLabel(locale, member.status), consentLabel(locale, member.consent.state)];
  if (member.legalBasis) details.push(t(locale, 'members.legalBasis', { text: member.legalBasis.text }));
  const items: CardElement[] = [
    paragraph(`**${member.name}**${coordinator} – ${roleLabel(locale, member.role)}`),
    paragraph(details.join(' · '), { isSubtle: true, spacing: 'None', size: 'Small' }),
  ];
  // A guardian's own view lets them withdraw consent from here; the server checks the clicker again.
  if (viewer && isGuardian(viewer.role) && member.status === 'active' && member.consent.state === 'approved') {
    items.push({ type: 'ActionSet', actions: [executeAction(t(locale, 'consent.withdraw'), CONSENT_VERBS.withdraw, { caseId: kase._id, userId: member.userId })] });
  }
  return { type: 'Container', separator: true, items };
}

/**
 * `members`: people, roles and consent status, a page at a time. Removed people are left out.
 * With a viewer (a view only they see) it carries the buttons their role may use.
 */
export function membersCard(locale: Locale, kase: Case, requestedPage = 1, viewer?: Member): AdaptiveCard {
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
      ...shown.map((m) => memberRow(locale, kase, m, viewer)),
    ],
    actions.length ? { actions } : {},
  );
}

const consentData = (kase: Case, member: Member) => ({ caseId: kase._id, userId: member.userId });

function consentTexts(locale: Locale, kase: Case, member: Member): CardElement[] {
  const role = roleLabel(locale, member.role);
  const heading_ = heading(t(locale, 'consent.card.title', { name: member.name, role }));
  if (member.consent.state !== 'pending') {
    const key = member.consent.state === 'approved' ? 'consent.approved' : member.consent.state === 'withdrawn' ? 'consent.withdrawn' : 'consent.declined';
    return [heading_, paragraph(t(locale, key, { guardian: member.consent.byName ?? '–', name: member.name }))];
  }
  const coordinator = coordinatorOf(kase);
  return [heading_, paragraph(t(locale, 'consent.card.body', { coordinator: coordinator?.name ?? '–', name: member.name, role, title: kase.title }))];
}

/**
 * The consent request as posted into the case conversation, for the room's least-privileged
 * reader. Nobody gets buttons from it: the guardians fetch their own view with "Giv samtykke" and
 * "Afvis" through `refresh` (or "Vis mine muligheder"). Once decided, it says what was decided.
 */
export function consentRequestCard(locale: Locale, kase: Case, member: Member, clearance: Clearance): AdaptiveCard {
  const guardians = activeGuardians(kase);
  const own = { verb: CONSENT_VERBS.view, data: consentData(kase, member), userIds: guardians.map((g) => g.userId) };
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.consent', own);
  const texts = consentTexts(locale, kase, member);
  if (member.consent.state !== 'pending') return adaptiveCard(texts);
  return adaptiveCard([paragraph(guardians.map((g) => `<at>${g.name}</at>`).join(', ')), ...texts, paragraph(t(locale, 'consent.ownView'), { isSubtle: true, size: 'Small' })], {
    actions: [showMine(locale, own.verb, own.data)],
    refresh: refreshFor(own.verb, own.data, own.userIds),
    msteams: { entities: guardians.map((g) => ({ type: 'mention', text: `<at>${g.name}</at>`, mentioned: { id: g.userId, name: g.name } })) },
  });
}

/** One member's own view of a consent request: a guardian gets the buttons while it is pending. */
export function consentCardFor(locale: Locale, kase: Case, member: Member, viewer: Member): AdaptiveCard {
  const texts = consentTexts(locale, kase, member);
  if (member.consent.state !== 'pending' || !isGuardian(viewer.role)) return adaptiveCard(texts);
  const data = consentData(kase, member);
  return adaptiveCard(texts, {
    actions: [
      executeAction(t(locale, 'consent.approve'), CONSENT_VERBS.approve, data, { style: 'positive' }),
      executeAction(t(locale, 'consent.decline'), CONSENT_VERBS.decline, data, { style: 'destructive' }),
    ],
    refresh: refreshFor(CONSENT_VERBS.view, data, activeGuardians(kase).map((g) => g.userId)),
  });
}
