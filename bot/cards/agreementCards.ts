import { AGREEMENT_TRANSITIONS, isOverdue, type Agreement } from '../../core/domain/agreement';
import type { Case, Member } from '../../core/domain/case';
import { addDays } from '../../core/domain/dates';
import { mayTakeStep, type AgreementStep } from '../../core/domain/policy';
import { t, type Locale } from '../../core/i18n';
import { agreementStatusLabel, formatDateTime, formatDay, roleLabel, truncate } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, paragraph, type AdaptiveCard, type CardElement } from './card';

export const AGREEMENT_VERBS = {
  submit: 'agreement.submit',
  accept: 'agreement.accept',
  decline: 'agreement.decline',
  done: 'agreement.done',
  cancel: 'agreement.cancel',
  refresh: 'agreement.refresh',
} as const;

/** Teams allows at most 60 users in `refresh.userIds`. */
export const MAX_REFRESH_USERS = 60;

export function agreementFormCard(locale: Locale, kase: Case, formId: string, today: string): AdaptiveCard {
  const owners = kase.members.filter((m) => m.status === 'active');
  return adaptiveCard(
    [
      heading(t(locale, 'agree.title')),
      paragraph(`${kase.title} · ${t(locale, 'agreement.familyMustAccept')}`, { isSubtle: true, spacing: 'None' }),
      { type: 'Input.Text', id: 'what', label: t(locale, 'agree.what'), isMultiline: true, isRequired: true, maxLength: 500, errorMessage: t(locale, 'agree.what') },
      {
        type: 'Input.ChoiceSet',
        id: 'ownerId',
        label: t(locale, 'agree.owner'),
        isRequired: true,
        errorMessage: t(locale, 'agree.owner'),
        choices: owners.map((m) => ({ title: `${m.name} (${roleLabel(locale, m.role)})`, value: m.userId })),
      },
      { type: 'Input.Date', id: 'dueDate', label: t(locale, 'agree.dueDate'), isRequired: true, min: today, value: addDays(today, 14), errorMessage: t(locale, 'agree.dueDate') },
      { type: 'Input.Date', id: 'followUpDate', label: t(locale, 'agree.followUpDate'), isRequired: true, min: today, value: addDays(today, 28), errorMessage: t(locale, 'agree.followUpDate') },
    ],
    { actions: [executeAction(t(locale, 'agree.submit'), AGREEMENT_VERBS.submit, { caseId: kase._id, formId }, { style: 'positive' })] },
  );
}

/**
 * Which buttons a viewer gets: a member gets only the steps `mayTakeStep` allows them; without a
 * viewer (the card everyone gets) every step the lifecycle allows is shown, and the server decides.
 */
function buttonsFor(locale: Locale, agreement: Agreement, kase: Case, viewer?: Member): CardElement[] {
  const data = { caseId: agreement.caseId, agreementId: agreement._id };
  const may = (to: AgreementStep) => (viewer ? mayTakeStep(kase, agreement, viewer, to) : AGREEMENT_TRANSITIONS[agreement.status].includes(to));
  const buttons: CardElement[] = [];
  if (may('accepted')) buttons.push(executeAction(t(locale, 'agreement.accept'), AGREEMENT_VERBS.accept, data, { style: 'positive' }));
  if (may('declined')) {
    buttons.push({
      type: 'Action.ShowCard',
      title: t(locale, 'agreement.decline'),
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: 'reason', label: t(locale, 'agreement.declineReason'), isRequired: true, maxLength: 500, errorMessage: t(locale, 'agreement.declineReason') }],
        actions: [executeAction(t(locale, 'agreement.decline'), AGREEMENT_VERBS.decline, data, { style: 'destructive' })],
      },
    });
  }
  if (may('done')) buttons.push(executeAction(t(locale, 'agreement.done'), AGREEMENT_VERBS.done, data, { style: 'positive' }));
  if (may('cancelled')) buttons.push(executeAction(t(locale, 'agreement.cancel'), AGREEMENT_VERBS.cancel, data));
  return buttons;
}

function agreementBody(locale: Locale, agreement: Agreement, today: string): CardElement[] {
  const overdue = isOverdue(agreement, today);
  const last = agreement.history.at(-1);
  const body: CardElement[] = [
    heading(t(locale, 'agreement.title', { what: truncate(agreement.what, 80) })),
    paragraph(agreement.what, { spacing: 'Small' }),
    facts([
      [t(locale, 'agreement.status'), agreementStatusLabel(locale, agreement.status)],
      [t(locale, 'agreement.owner'), agreement.ownerName],
      [t(locale, 'agreement.dueDate'), formatDay(locale, agreement.dueDate)],
      [t(locale, 'agreement.followUpDate'), formatDay(locale, agreement.followUpDate)],
      [t(locale, 'agreement.proposedBy'), agreement.proposedByName],
    ]),
  ];
  if (overdue) body.push(paragraph(`⏰ ${t(locale, 'agreement.overdue')}`, { color: 'Attention', weight: 'Bolder' }));
  if (agreement.status === 'proposed') body.push(paragraph(t(locale, 'agreement.familyMustAccept'), { isSubtle: true }));
  if (last) {
    body.push(paragraph(t(locale, 'agreement.lastChange', { status: agreementStatusLabel(locale, last.to), name: last.byName, when: formatDateTime(locale, last.at) }), { isSubtle: true, size: 'Small' }));
    if (last.reason) body.push(paragraph(t(locale, 'agreement.reason', { reason: last.reason }), { isSubtle: true, size: 'Small', spacing: 'None' }));
  }
  return body;
}

/**
 * The card everyone gets. It is usable as it is (clients without user-specific views), and its
 * `refresh` asks Teams to fetch each member's own view with only their buttons.
 */
export function agreementCard(locale: Locale, agreement: Agreement, kase: Case, today: string): AdaptiveCard {
  const userIds = kase.members.filter((m) => m.status === 'active').map((m) => m.userId).slice(0, MAX_REFRESH_USERS);
  const final = ['declined', 'done', 'cancelled'].includes(agreement.status);
  return adaptiveCard(agreementBody(locale, agreement, today), {
    actions: buttonsFor(locale, agreement, kase),
    ...(final ? {} : { refresh: { action: { type: 'Action.Execute', verb: AGREEMENT_VERBS.refresh, data: { caseId: agreement.caseId, agreementId: agreement._id } }, userIds } }),
  });
}

/** One person's view: only the buttons their role and ownership allow. */
export function agreementCardFor(locale: Locale, agreement: Agreement, kase: Case, member: Member, today: string): AdaptiveCard {
  const base = agreementCard(locale, agreement, kase, today);
  return { ...base, actions: buttonsFor(locale, agreement, kase, member) };
}

function agreementRow(locale: Locale, agreement: Agreement, today: string, caseTitle?: string): CardElement {
  const overdue = isOverdue(agreement, today);
  return {
    type: 'Container',
    separator: true,
    items: [
      paragraph(`**${truncate(agreement.what, 200)}**`),
      paragraph(
        [
          caseTitle ? `${t(locale, 'tasks.case')}: ${caseTitle}` : undefined,
          agreementStatusLabel(locale, agreement.status),
          `${t(locale, 'agreement.owner')}: ${agreement.ownerName}`,
          `${t(locale, 'agreement.dueDate')}: ${formatDay(locale, agreement.dueDate)}`,
        ]
          .filter(Boolean)
          .join(' · '),
        { isSubtle: true, spacing: 'None', size: 'Small' },
      ),
      ...(overdue ? [paragraph(`⏰ ${t(locale, 'agreement.overdue')}`, { color: 'Attention', weight: 'Bolder', spacing: 'None', size: 'Small' })] : []),
    ],
  };
}

export const AGREEMENT_LIST_MAX = 25;

export function agreementListCard(locale: Locale, kase: Case, agreements: Agreement[], today: string): AdaptiveCard {
  const shown = agreements.slice(0, AGREEMENT_LIST_MAX);
  return adaptiveCard([
    heading(t(locale, 'agreements.title', { title: kase.title })),
    ...(shown.length === 0 ? [paragraph(t(locale, 'agreements.none'))] : shown.map((a) => agreementRow(locale, a, today))),
  ]);
}

export function tasksCard(locale: Locale, tasks: Array<{ agreement: Agreement; caseTitle: string }>, today: string): AdaptiveCard {
  const shown = tasks.slice(0, AGREEMENT_LIST_MAX);
  return adaptiveCard([
    heading(t(locale, 'tasks.title')),
    ...(shown.length === 0 ? [paragraph(t(locale, 'tasks.none'))] : shown.map((task) => agreementRow(locale, task.agreement, today, task.caseTitle))),
  ]);
}
