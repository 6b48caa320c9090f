import { createHash } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { t, type Locale } from '../../core/i18n';
import type { ReminderItem, ReminderKind } from '../../core/reminders/rules';
import { cardMessage } from '../cards/message';
import { reminderCard } from '../cards/reminderCard';
import { vacancyReminderCard } from '../cards/handoverCards';

/** The message that carries one reminder occurrence: its card, a summary and the idempotency key. */
export function reminderActivity(locale: Locale, occurrence: { key: string; kind: ReminderKind }, items: ReminderItem[], links: Record<string, string>): Partial<Activity> {
  // A case without a coordinator has its own card, with "Jeg tager over" (docs/handover.md).
  const card = occurrence.kind === 'vacancy' ? vacancyReminderCard(locale, occurrence.key, items, links) : reminderCard(locale, { key: occurrence.key, kind: occurrence.kind, items, links });
  const activity = cardMessage(card);
  // The idempotency key travels with the message (Teams ignores unknown channelData fields and
  // the ID a bot proposes), so a duplicate can at least be recognised in a transcript.
  activity.channelData = { notification: { alert: true }, samspilReminder: { key: occurrence.key, hash: createHash('sha256').update(occurrence.key).digest('hex').slice(0, 32) } };
  activity.summary = t(locale, occurrence.kind === 'digest' ? 'reminder.kind.digest' : (`reminder.kind.${occurrence.kind}` as const));
  return activity;
}
