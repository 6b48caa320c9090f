import { AGREEMENT_TEXT_MAX, DECLINE_REASON_MAX, isOpen, isOverdue, type Agreement } from '../../core/domain/agreement';
import type { Clearance } from '../../core/domain/audience';
import { defaultAgreementDates } from '../../core/reminders/calendar';
import type { Case, Member } from '../../core/domain/case';
import { mayTakeStep, type AgreementStep } from '../../core/domain/policy';
import { t, type Locale } from '../../core/i18n';
import { agreementStatusLabel, formatDateTime, formatDay, roleLabel, truncate } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, paragraph, refreshFor, type AdaptiveCard, type CardElement } from './card';
import { activeMemberIds, neutralCard, showMine } from './neutralCard';

export const AGREEMENT_VERBS = {
  submit: 'agreement.submit',
  accept: 'agreement.accept',
  decline: 'agreement.decline',
  done: 'agreement.done',
  cancel: 'agreement.cancel',
  refresh: 'agreement.refresh',
} as const;

/** The `aftale` form, for the person who asked for it (its shared card is formCards.ts). */
export function agreementFormCard(locale: Locale, kase: Case, formId: string, today: string): AdaptiveCard {
  const defaults = defaultAgreementDates(today);
  const owners = kase.members.filter((m) => m.status === 'active');
  return adaptiveCard(
    [
      heading(t(locale, 'agree.title')),
      paragraph(`${kase.title} · ${t(locale, 'agreement.familyMustAccept')}`, { isSubtle: true, spacing: 'None' }),
      { type: 'Input.Text', id: 'what', label: t(locale, 'agree.what'), isMultiline: true, isRequired: true, maxLength: AGREEMENT_TEXT_MAX, errorMessage: t(locale, 'agree.what') },
      {
        type: 'Input.ChoiceSet',
        id: 'ownerId',
        label: t(locale, 'agree.owner'),
        isRequired: true,
        errorMessage: t(locale, 'agree.owner'),
        choices: owners.map((m) => ({ title: `${m.name} (${roleLabel(locale, m.role)})`, value: m.userId })),
      },
      { type: 'Input.Date', id: 'dueDate', label: t(locale, 'agree.dueDate'), isRequired: true, min: today, value: defaults.dueDate, errorMessage: t(locale, 'agree.dueDate') },
      { type: 'Input.Date', id: 'followUpDate', label: t(locale, 'agree.followUpDate'), isRequired: true, min: today, value: defaults.followUpDate, errorMessage: t(locale, 'agree.followUpDate') },
    ],
    { actions: [executeAction(t(locale, 'agree.submit'), AGREEMENT_VERBS.submit, { caseId: kase._id, formId }, { style: 'positive' })] },
  );
}

/** The steps a member may take on the agreement now, as buttons; the server checks again on click. */
function buttonsFor(locale: Locale, agreement: Agreement, kase: Case, viewer: Member): CardElement[] {
  const data = { caseId: agreement.caseId, agreementId: agreement._id };
  const may = (to: AgreementStep) => mayTakeStep(kase, agreement, viewer, to);
  const buttons: CardElement[] = [];
  if (may('accepted')) buttons.push(executeAction(t(locale, 'agreement.accept'), AGREEMENT_VERBS.accept, data, { style: 'positive' }));
  if (may('declined')) {
    buttons.push({
      type: 'Action.ShowCard',
      title: t(locale, 'agreement.decline'),
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: 'reason', label: t(locale, 'agreement.declineReason'), isRequired: true, maxLength: DECLINE_REASON_MAX, errorMessage: t(locale, 'agreement.declineReason') }],
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

const isFinal = (agreement: Agreement) => !isOpen(agreement.status);

/**
 * The card everyone in the room gets, rendered for the room's least-privileged reader: neutral for
 * a room with outsiders, the agreement without buttons otherwise. Its `refresh` asks each active
 * member's client for their own view with the buttons they may use (agreementCardFor).
 */
export function agreementCard(locale: Locale, agreement: Agreement, kase: Case, today: string, clearance: Clearance): AdaptiveCard {
  const data = { caseId: agreement.caseId, agreementId: agreement._id };
  const own = { verb: AGREEMENT_VERBS.refresh, data, userIds: activeMemberIds(kase) };
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.agreement', own);
  if (isFinal(agreement)) return adaptiveCard(agreementBody(locale, agreement, today));
  return adaptiveCard([...agreementBody(locale, agreement, today), paragraph(t(locale, 'agreement.ownView'), { isSubtle: true, size: 'Small' })], {
    actions: [showMine(locale, own.verb, own.data)],
    refresh: refreshFor(own.verb, own.data, own.userIds),
  });
}

/** One member's own view: the agreement with only the buttons their role and ownership allow. */
export function agreementCardFor(locale: Locale, agreement: Agreement, kase: Case, member: Member, today: string): AdaptiveCard {
  const data = { caseId: agreement.caseId, agreementId: agreement._id };
  const buttons = buttonsFor(locale, agreement, kase, member);
  return adaptiveCard(agreementBody(locale, agreement, today), {
    ...(buttons.length ? { actions: buttons } : {}),
    ...(isFinal(agreement) ? {} : { refresh: refreshFor(AGREEMENT_VERBS.refresh, data, activeMemberIds(kase)) }),
  });
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
