import type { TurnContext } from 'botbuilder';
import type { Core } from '../../core';
import type { Agreement } from '../../core/domain/agreement';
import type { Case } from '../../core/domain/case';
import { DomainError } from '../../core/domain/errors';
import { t, type Locale } from '../../core/i18n';
import { agreementItem, agreementSubject, OWNER_KINDS, REMINDER_KINDS, type ReminderItem, type ReminderKind } from '../../core/reminders/rules';
import { REMINDER_DONE_VERB, REMINDER_SNOOZE_VERB, reminderCard, type ReminderCardState } from '../cards/reminderCard';
import type { AdaptiveCard } from '../cards/card';
import { actorOf } from '../turn';
import { caseDeepLink } from './links';

type Handler = (context: TurnContext, locale: Locale, data: Record<string, unknown>) => Promise<AdaptiveCard>;

function kindOf(data: Record<string, unknown>): ReminderKind {
  const kind = data.kind;
  if (typeof kind !== 'string' || !(REMINDER_KINDS as readonly string[]).includes(kind) || kind === 'digest') throw new DomainError('error.invalidAction');
  return kind as ReminderKind;
}

function keyOf(data: Record<string, unknown>): string {
  const key = data.reminderKey;
  if (typeof key !== 'string' || key.length > 300) throw new DomainError('error.invalidAction');
  return key;
}

/** The card again, from the agreement as it is now, with what just happened on top. */
async function refreshed(core: Core, locale: Locale, key: string, kind: ReminderKind, agreement: Agreement, kase: Case, state: ReminderCardState): Promise<AdaptiveCard> {
  const item: ReminderItem = { ...agreementItem(agreement, kase), kind: kind as ReminderItem['kind'] };
  const record = await core.conversations.get(kase.conversation.conversationId);
  return reminderCard(locale, { key, kind, items: [item], links: { [kase._id]: caseDeepLink(kase.conversation, kase.title, record) }, state });
}

/**
 * The reminder card's buttons. Mark done goes through the agreement service (only the owner may);
 * snooze through the reminder service (owner or coordinator). Refusals are thrown as DomainError
 * and rendered by the bot as a localized error; nothing changes.
 */
export function createReminderCardActions(core: Core): Record<string, Handler> {
  return {
    [REMINDER_DONE_VERB]: async (context, locale, data) => {
      const kind = kindOf(data);
      const key = keyOf(data);
      const { agreement, kase } = await core.agreements.transition(actorOf(context.activity), data.caseId, data.agreementId, 'done');
      await core.reminders.stop(agreementSubject(agreement._id), 'done', OWNER_KINDS);
      return refreshed(core, locale, key, kind, agreement, kase, { kind: 'done' });
    },
    [REMINDER_SNOOZE_VERB]: async (context, locale, data) => {
      const kind = kindOf(data);
      const key = keyOf(data);
      const { agreement, kase, until } = await core.reminders.snooze(actorOf(context.activity), data.caseId, data.agreementId, data.days);
      if (agreement.status !== 'accepted') {
        return refreshed(core, locale, key, kind, agreement, kase, { kind: 'closed', status: t(locale, `agreement.status.${agreement.status}`) });
      }
      return refreshed(core, locale, key, kind, agreement, kase, { kind: 'snoozed', until });
    },
  };
}
