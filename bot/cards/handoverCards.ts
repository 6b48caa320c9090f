import type { HandoverOffer } from '../../core/domain/handover';
import type { Role } from '../../core/domain/roles';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { areaLabel, consentLabel, formatDateTime, formatDay, icsLabel, LEVEL_DOT, levelLabel, memberStatusLabel, roleLabel, truncate } from '../../core/i18n/format';
import type { ReminderItem } from '../../core/reminders/rules';
import type { CoordinationView, HandoverSummary } from '../../core/services/handoverService';
import { adaptiveCard, executeAction, facts, heading, paragraph, type AdaptiveCard, type CardElement } from './card';

/** Coordinator handover cards (docs/handover.md). They go to personal chats, except the status view. */
export const HANDOVER_VERBS = {
  accept: 'handover.accept',
  decline: 'handover.decline',
  cancel: 'handover.cancel',
  takeOver: 'handover.takeOver',
  summary: 'handover.summary',
  status: 'handover.status',
} as const;

const TEXT_IN_SUMMARY = 240;
const NAME_IN_SUMMARY = 60;
/** Consent rows the summary lists (a case holds up to 60 people); the tab has them all. */
const CONSENT_IN_SUMMARY = 20;

export type OfferState = 'accepted' | 'declined' | 'cancelled';

const banner = (text: string, color = 'Good'): CardElement => paragraph(text, { weight: 'Bolder', color });

/**
 * The proposal, in the proposed person's own chat: "Ja, jeg tager over" or "Nej tak" with an optional
 * reason. After an answer (or a withdrawal) it says what happened and has no buttons.
 */
export function offerCard(locale: Locale, caseId: string, caseTitle: string, offer: Pick<HandoverOffer, 'id' | 'fromName'>, state?: OfferState): AdaptiveCard {
  const body: CardElement[] = [heading(t(locale, 'handover.card.offer.title'))];
  if (state) body.push(banner(t(locale, `handover.card.state.${state}`, { from: offer.fromName }), state === 'accepted' ? 'Good' : 'Default'));
  body.push(paragraph(t(locale, 'handover.card.offer.body', { from: offer.fromName, title: caseTitle })));
  if (state) return adaptiveCard(body);
  body.push({ type: 'Input.Text', id: 'reason', label: t(locale, 'handover.card.reason', { from: offer.fromName }), isMultiline: true, maxLength: 500 });
  const data = { caseId, handoverId: offer.id };
  return adaptiveCard(body, {
    actions: [
      executeAction(t(locale, 'handover.card.accept'), HANDOVER_VERBS.accept, data, { style: 'positive' }),
      executeAction(t(locale, 'handover.card.decline'), HANDOVER_VERBS.decline, data),
    ],
  });
}

/** To each guardian, in their own chat: who their new coordinator is. */
export function familyCard(locale: Locale, change: { caseTitle: string; toName: string; toRole: Role; fromName: string }): AdaptiveCard {
  return adaptiveCard([
    heading(t(locale, 'handover.family.title')),
    paragraph(t(locale, 'handover.family.body', { to: change.toName, title: change.caseTitle })),
    facts([
      [t(locale, 'handover.family.name'), change.toName],
      [t(locale, 'handover.family.role'), roleLabel(locale, change.toRole)],
    ]),
    paragraph(t(locale, 'handover.family.before', { from: change.fromName }), { isSubtle: true }),
    paragraph(t(locale, 'handover.family.contact', { to: change.toName })),
  ]);
}

export type VacancyState = { kind: 'you' } | { kind: 'other'; name: string };

/** One carried coordinator reminder (a follow-up, a failure notice) as a line of facts. */
function carriedItem(locale: Locale, item: ReminderItem): CardElement {
  const pairs: Array<[string, string]> = [[t(locale, `reminder.kind.${item.kind}` as MessageKey), item.what ?? item.failedRecipientName ?? '']];
  if (item.ownerName) pairs.push([t(locale, 'reminder.field.owner'), item.ownerName]);
  if (item.followUpDate && item.kind === 'followup') pairs.push([t(locale, 'reminder.field.followUpDate'), formatDay(locale, item.followUpDate)]);
  return facts(pairs);
}

/**
 * "Sagen mangler en tovholder": to every active professional, at once when the coordinator left and
 * then once a working day as a reminder (carrying what the coordinator would have been told).
 * "Jeg tager over" answers `handover.takeOver`; the first click wins.
 */
export function vacancyCard(
  locale: Locale,
  vacancy: { caseId: string; caseTitle: string; vacancyId: string; previousName: string },
  options: { reminder?: boolean; carried?: ReminderItem[]; link?: string; reminderKey?: string; state?: VacancyState } = {},
): AdaptiveCard {
  if (options.state) return vacancyOutcomeCard(locale, options.state);
  const body: CardElement[] = [heading(t(locale, 'handover.vacancy.title'))];
  body.push(paragraph(t(locale, options.reminder ? 'handover.vacancy.reminder' : 'handover.vacancy.body', { previous: vacancy.previousName, title: vacancy.caseTitle })));
  const carried = options.carried ?? [];
  if (carried.length > 0) {
    body.push(paragraph(t(locale, 'handover.vacancy.carries'), { weight: 'Bolder' }));
    for (const item of carried.slice(0, 10)) body.push({ type: 'Container', separator: true, items: [carriedItem(locale, item)] });
    if (carried.length > 10) body.push(paragraph(`+ ${carried.length - 10}`, { isSubtle: true }));
  }
  const actions: CardElement[] = [
    executeAction(t(locale, 'handover.vacancy.takeOver'), HANDOVER_VERBS.takeOver, { caseId: vacancy.caseId, vacancyId: vacancy.vacancyId, ...(options.reminderKey ? { reminderKey: options.reminderKey } : {}), locale }, { style: 'positive' }),
  ];
  if (options.link) actions.push({ type: 'Action.OpenUrl', title: t(locale, 'reminder.action.open'), url: options.link });
  return adaptiveCard(body, actions.length ? { actions } : {});
}

/** What "Jeg tager over" answers: the clicker is the coordinator now, or someone else was first. */
export function vacancyOutcomeCard(locale: Locale, state: VacancyState): AdaptiveCard {
  return adaptiveCard([
    heading(t(locale, 'handover.vacancy.title')),
    banner(state.kind === 'you' ? t(locale, 'handover.vacancy.state.you') : t(locale, 'handover.vacancy.state.other', { name: state.name }), state.kind === 'you' ? 'Good' : 'Default'),
  ]);
}

/** The reminder-ledger form of the vacancy card: the first item names the case and the vacancy. */
export function vacancyReminderCard(locale: Locale, key: string, items: ReminderItem[], links: Record<string, string | undefined>): AdaptiveCard {
  const [first, ...carried] = items;
  if (!first || first.kind !== 'vacancy' || !first.vacancyId) return adaptiveCard([paragraph(t(locale, 'reminder.digest.empty'))]);
  return vacancyCard(locale, { caseId: first.caseId, caseTitle: first.caseTitle, vacancyId: first.vacancyId, previousName: first.memberName ?? '' }, { reminder: true, carried, link: links[first.caseId], reminderKey: key });
}

const section = (title: string, items: CardElement[]): CardElement => ({ type: 'Container', separator: true, spacing: 'Medium', items: [paragraph(title, { weight: 'Bolder' }), ...items] });
const none = (text: string): CardElement => paragraph(text, { isSubtle: true, spacing: 'None' });

/**
 * The new coordinator's overview, in their own chat: open agreements, the last assessment and any
 * open round, the recent observations (professionals-only ones too: the coordinator is a
 * professional), upcoming meetings and consent. Short lists; the tab has the rest.
 */
export function summaryCard(locale: Locale, summary: HandoverSummary): AdaptiveCard {
  const agreements = summary.openAgreements.map((a) =>
    paragraph(
      `${a.overdue ? '⚠️ ' : ''}${t(locale, 'handover.summary.agreementRow', { what: truncate(a.what, 120), owner: truncate(a.ownerName, NAME_IN_SUMMARY), date: formatDay(locale, a.dueDate) })}${a.overdue ? ` (${t(locale, 'handover.summary.overdue')})` : ''}${a.status === 'proposed' ? ` · ${t(locale, 'handover.summary.proposed')}` : ''}`,
      { spacing: 'Small' },
    ),
  );
  if (summary.openAgreementsTotal > summary.openAgreements.length) agreements.push(none(t(locale, 'handover.summary.more', { count: summary.openAgreementsTotal - summary.openAgreements.length })));
  const assessment: CardElement[] = [];
  if (summary.lastAssessment) {
    const last = summary.lastAssessment;
    assessment.push(none(t(locale, 'handover.summary.assessmentRow', { number: last.roundNumber, count: last.respondents, date: last.closedAt ? formatDateTime(locale, last.closedAt) : '–' })));
    assessment.push(facts(last.areas.map((a) => [areaLabel(locale, a.area), a.average === null ? '–' : `${LEVEL_DOT[levelOf(a.average)]} ${levelLabel(locale, levelOf(a.average))}`])));
  } else {
    assessment.push(none(t(locale, 'handover.summary.noAssessment')));
  }
  if (summary.openRound) assessment.push(paragraph(t(locale, 'handover.summary.openRound', { number: summary.openRound.number, count: summary.openRound.answers }), { spacing: 'Small' }));
  const observations = summary.observations.map((o) => ({
    type: 'Container',
    spacing: 'Small',
    items: [
      paragraph(`${o.professionalsOnly ? '🔒 ' : ''}${LEVEL_DOT[o.level]} **${icsLabel(locale, o.area)}** · ${truncate(o.authorName, NAME_IN_SUMMARY)}, ${roleLabel(locale, o.authorRole)} · ${formatDateTime(locale, o.createdAt)}`, { size: 'Small' }),
      paragraph(truncate(o.text, TEXT_IN_SUMMARY), { spacing: 'None' }),
    ],
  }));
  const meetings = summary.upcomingMeetings.slice(0, 5).map((m) => paragraph(`${formatDateTime(locale, m.startsAt)} · ${truncate(m.title, 120)}${m.place ? ` · ${truncate(m.place, 120)}` : ''}`, { spacing: 'Small' }));
  const consent = summary.consent.slice(0, CONSENT_IN_SUMMARY).map((c) =>
    paragraph(`${truncate(c.name, NAME_IN_SUMMARY)} – ${roleLabel(locale, c.role)}: ${c.legalBasis && c.state === 'not_needed' ? t(locale, 'handover.summary.legalBasis') : consentLabel(locale, c.state)}${c.status !== 'active' ? ` · ${memberStatusLabel(locale, c.status)}` : ''}`, { spacing: 'Small' }),
  );
  return adaptiveCard(
    [
      heading(t(locale, 'handover.summary.title', { title: summary.caseTitle })),
      paragraph(t(locale, 'handover.summary.intro'), { isSubtle: true, spacing: 'None' }),
      section(t(locale, 'handover.summary.agreements', { count: summary.openAgreementsTotal }), agreements.length ? agreements : [none(t(locale, 'handover.summary.noAgreements'))]),
      section(t(locale, 'handover.summary.assessment'), assessment),
      section(t(locale, 'handover.summary.observations'), observations.length ? observations : [none(t(locale, 'handover.summary.noObservations'))]),
      section(t(locale, 'handover.summary.meetings'), meetings.length ? meetings : [none(t(locale, 'handover.summary.noMeetings'))]),
      section(t(locale, 'handover.summary.consent'), [
        ...(consent.length ? consent : [none(t(locale, 'handover.summary.noConsent'))]),
        ...(summary.consent.length > CONSENT_IN_SUMMARY ? [none(t(locale, 'handover.summary.more', { count: summary.consent.length - CONSENT_IN_SUMMARY }))] : []),
      ]),
    ],
  );
}

const levelOf = (average: number) => (['green', 'yellow', 'red'] as const)[Math.min(2, Math.max(0, Math.round(average)))]!;

/**
 * `tovholder`: who coordinates, an open proposal, or the vacancy; with the buttons this member may
 * use (withdraw a proposal, answer it, take over). It names people: shown only where all may see it.
 */
export function statusCard(locale: Locale, view: CoordinationView): AdaptiveCard {
  const body: CardElement[] = [heading(t(locale, 'handover.status.title', { title: view.caseTitle }))];
  if (view.coordinator) body.push(paragraph(t(locale, 'handover.status.coordinator', { name: view.coordinator.name, role: roleLabel(locale, view.coordinator.role) })));
  if (view.vacancy) body.push(paragraph(t(locale, 'handover.status.vacant', { date: formatDateTime(locale, view.vacancy.since), previous: view.vacancy.previousName }), { color: 'Attention' }));
  if (view.proposal) body.push(paragraph(t(locale, 'handover.status.proposal', { from: view.proposal.fromName, to: view.proposal.toName })));
  const actions: CardElement[] = [];
  if (view.proposal && view.viewer.canCancel) actions.push(executeAction(t(locale, 'handover.tab.withdraw'), HANDOVER_VERBS.cancel, { caseId: view.caseId, handoverId: view.proposal.id }));
  if (view.proposal && view.viewer.canAnswer) {
    actions.push(executeAction(t(locale, 'handover.card.accept'), HANDOVER_VERBS.accept, { caseId: view.caseId, handoverId: view.proposal.id }, { style: 'positive' }));
    actions.push(executeAction(t(locale, 'handover.card.decline'), HANDOVER_VERBS.decline, { caseId: view.caseId, handoverId: view.proposal.id }));
  }
  if (view.vacancy && view.viewer.canTakeOver) actions.push(executeAction(t(locale, 'handover.vacancy.takeOver'), HANDOVER_VERBS.takeOver, { caseId: view.caseId, vacancyId: view.vacancy.id }, { style: 'positive' }));
  if (view.viewer.coordinator) actions.push(executeAction(t(locale, 'handover.tab.summary'), HANDOVER_VERBS.summary, { caseId: view.caseId }));
  return adaptiveCard(body, actions.length ? { actions } : {});
}
