import { OWNER_KINDS, SNOOZABLE_KINDS, type ReminderItem, type ReminderKind } from '../../core/reminders/rules';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { formatDateTime, formatLongDay } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, paragraph, type AdaptiveCard, type CardElement } from './card';
import { meetingItemFacts, meetingReminderCard } from './meetingCards';

export const REMINDER_DONE_VERB = 'reminder.done';
export const REMINDER_SNOOZE_VERB = 'reminder.snooze';

/** The most items a digest card lists; the rest are counted. Keeps the card far below 28 KB. */
export const DIGEST_MAX_ITEMS = 15;

export type ReminderCardState = { kind: 'done' } | { kind: 'snoozed'; until: Date } | { kind: 'closed'; status: string };

export interface ReminderCardModel {
  key: string;
  kind: ReminderKind;
  items: ReminderItem[];
  /** Deep links to each case's conversation, by case ID. */
  links: Record<string, string | undefined>;
  /** After an action: what happened, shown on top; the actions that no longer apply are gone. */
  state?: ReminderCardState;
}

const dateLabel = formatLongDay;

function itemFacts(locale: Locale, item: ReminderItem): CardElement {
  if (item.meetingId) return meetingItemFacts(locale, item);
  const pairs: Array<[string, string]> = [[t(locale, 'reminder.field.case'), item.caseTitle]];
  if (item.what) pairs.push([t(locale, 'reminder.field.what'), item.what]);
  if (item.ownerName) pairs.push([t(locale, 'reminder.field.owner'), item.ownerName]);
  if (item.dueDate && item.kind !== 'consent') pairs.push([t(locale, 'reminder.field.dueDate'), dateLabel(locale, item.dueDate)]);
  if (item.followUpDate && item.kind === 'followup') pairs.push([t(locale, 'reminder.field.followUpDate'), dateLabel(locale, item.followUpDate)]);
  return facts(pairs);
}

function intro(locale: Locale, item: ReminderItem): CardElement | undefined {
  if (item.kind === 'nudge') return paragraph(t(locale, 'reminder.intro.nudge'), { isSubtle: true });
  if (item.kind === 'consent') return paragraph(t(locale, 'reminder.intro.consent', { name: item.memberName ?? '' }), { isSubtle: true });
  if (item.kind === 'failure') {
    return paragraph(t(locale, 'reminder.intro.failure', { name: item.failedRecipientName ?? '', kind: t(locale, `reminder.kind.${item.failedKind ?? 'due'}` as MessageKey) }), { isSubtle: true });
  }
  return undefined;
}

function title(locale: Locale, item: ReminderItem): string {
  return t(locale, `reminder.title.${item.kind}` as MessageKey, { date: item.dueDate ? dateLabel(locale, item.dueDate) : '' });
}

function stateBanner(locale: Locale, state: ReminderCardState): CardElement {
  const text =
    state.kind === 'done'
      ? t(locale, 'reminder.state.done')
      : state.kind === 'snoozed'
        ? t(locale, 'reminder.state.snoozed', { date: formatDateTime(locale, state.until) })
        : t(locale, 'reminder.state.closed', { status: state.status });
  return paragraph(text, { weight: 'Bolder', color: state.kind === 'snoozed' ? 'Accent' : 'Good' });
}

function openAction(locale: Locale, url: string | undefined): CardElement[] {
  return url ? [{ type: 'Action.OpenUrl', title: t(locale, 'reminder.action.open'), url }] : [];
}

/**
 * A reminder in the recipient's personal chat: what, where, when, and the buttons that act on it
 * (Action.Execute, refreshed in place). The server checks every action again; buttons are a convenience.
 */
export function reminderCard(locale: Locale, model: ReminderCardModel): AdaptiveCard {
  if (model.kind === 'digest') return digestCard(locale, model);
  const item = model.items[0];
  // Meeting reminders have their own card (bot/cards/meetingCards.ts): "Jeg kan ikke komme" instead of "done".
  if (item && (model.kind === 'meeting_before' || model.kind === 'meeting_soon')) return meetingReminderCard(locale, { key: model.key, kind: model.kind, item, link: model.links[item.caseId] });
  if (!item) return adaptiveCard([paragraph(t(locale, 'reminder.digest.empty'))]);
  const data = { caseId: item.caseId, agreementId: item.agreementId, reminderKey: model.key, kind: model.kind, locale };
  const actions: CardElement[] = [];
  const open = model.state?.kind !== 'done' && model.state?.kind !== 'closed';
  if (open && item.agreementId && OWNER_KINDS.includes(model.kind)) actions.push(executeAction(t(locale, 'reminder.action.done'), REMINDER_DONE_VERB, data, { style: 'positive' }));
  if (open && item.agreementId && model.state?.kind !== 'snoozed' && SNOOZABLE_KINDS.includes(model.kind)) {
    actions.push(executeAction(t(locale, 'reminder.action.snooze1'), REMINDER_SNOOZE_VERB, { ...data, days: 1 }, { id: 'snooze1' }));
    actions.push(executeAction(t(locale, 'reminder.action.snooze3'), REMINDER_SNOOZE_VERB, { ...data, days: 3 }, { id: 'snooze3' }));
  }
  actions.push(...openAction(locale, model.links[item.caseId]));
  const body: CardElement[] = [heading(title(locale, item))];
  if (model.state) body.push(stateBanner(locale, model.state));
  const lead = intro(locale, item);
  if (lead) body.push(lead);
  body.push(itemFacts(locale, item));
  return adaptiveCard(body, { actions });
}

function digestCard(locale: Locale, model: ReminderCardModel): AdaptiveCard {
  const shown = model.items.slice(0, DIGEST_MAX_ITEMS);
  const body: CardElement[] = [heading(t(locale, 'reminder.title.digest', { count: model.items.length }))];
  if (model.items.length === 0) body.push(paragraph(t(locale, 'reminder.digest.empty')));
  for (const item of shown) {
    const lead = intro(locale, item);
    body.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(t(locale, `reminder.kind.${item.kind}` as MessageKey), { weight: 'Bolder', color: item.kind === 'overdue' || item.kind === 'failure' ? 'Attention' : 'Default' }),
        ...(lead ? [lead] : []),
        itemFacts(locale, item),
        ...(model.links[item.caseId] ? [{ type: 'ActionSet', actions: openAction(locale, model.links[item.caseId]) }] : []),
      ],
    });
  }
  if (model.items.length > shown.length) body.push(paragraph(`+ ${model.items.length - shown.length}`, { isSubtle: true }));
  return adaptiveCard(body);
}
