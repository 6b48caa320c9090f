/**
 * Reminders addressed to a case's coordinator (follow-ups, failure notices) when the coordinator
 * changes or is gone (docs/handover.md). Pure: the planner and ReminderService.coordinatorChanged
 * feed it what they planned or found pending, and store what it returns.
 *
 * - A case without a coordinator (`coordinatorState: 'vacant'`): every active professional gets one
 *   card per working day, "the case needs a coordinator", carrying what the coordinator would have
 *   been reminded of that day, with "Jeg tager over". Keyed per case, vacancy, day and person, so it
 *   is planned, claimed and sent once. The day the role became vacant, the professionals were asked
 *   at once (the bot), so that day's card comes only if there is something to carry.
 * - What today's plan had addressed to the previous coordinator and is not yet sent is re-addressed:
 *   to the new coordinator, or into the vacancy card.
 */
import { activeMember, type Case } from '../domain/case';
import { copenhagenDate } from '../domain/dates';
import { isVacant, mayCoordinate } from '../domain/handover';
import { startOf, type PlannedReminder, type PlanWindow, type ReminderItem, type ReminderKind } from './rules';

/** Reminders that go to whoever coordinates the case. */
export const COORDINATOR_KINDS: readonly ReminderKind[] = ['followup', 'failure'];

export const vacancySubject = (caseId: string, vacancyId: string): string => `vacancy:${caseId}:${vacancyId}`;

const vacantNow = (kase: Case | undefined): kase is Case & { vacancy: NonNullable<Case['vacancy']> } => !!kase && kase.status === 'open' && isVacant(kase) && !!kase.vacancy;

/** The first item of a vacancy card: which case, and who left. */
export function vacancyItem(kase: Case & { vacancy: NonNullable<Case['vacancy']> }): ReminderItem {
  return { kind: 'vacancy', subject: vacancySubject(kase._id, kase.vacancy.id), caseId: kase._id, caseTitle: kase.title, memberName: kase.vacancy.previousName, vacancyId: kase.vacancy.id };
}

/** One vacancy card per active professional of the case, for `window.day`, carrying `items`. */
export function vacancyReminders(kase: Case & { vacancy: NonNullable<Case['vacancy']> }, items: ReminderItem[], window: PlanWindow): PlannedReminder[] {
  const subject = vacancySubject(kase._id, kase.vacancy.id);
  const at = startOf(window);
  return kase.members
    .filter((m) => mayCoordinate(m))
    .map((m) => ({ key: `${subject}|${window.day}|${m.userId}`, subject, kind: 'vacancy' as const, recipientId: m.userId, recipientName: m.name, caseId: kase._id, at, items: [vacancyItem(kase), ...items] }));
}

/**
 * The day's plan with coordinator reminders of vacant cases folded into the professionals' vacancy
 * cards (one per person per working day while the case has no coordinator).
 */
export function routeCoordinatorReminders(planned: PlannedReminder[], cases: ReadonlyMap<string, Case>, vacant: readonly Case[], window: PlanWindow): PlannedReminder[] {
  const vacantCases = new Map<string, Case & { vacancy: NonNullable<Case['vacancy']> }>();
  for (const kase of [...vacant, ...cases.values()]) if (vacantNow(kase)) vacantCases.set(kase._id, kase);
  const carried = new Map<string, ReminderItem[]>();
  const out: PlannedReminder[] = [];
  for (const reminder of planned) {
    if (vacantCases.has(reminder.caseId) && COORDINATOR_KINDS.includes(reminder.kind)) {
      carried.set(reminder.caseId, [...(carried.get(reminder.caseId) ?? []), ...reminder.items]);
      continue;
    }
    out.push(reminder);
  }
  for (const kase of vacantCases.values()) {
    const items = carried.get(kase._id) ?? [];
    // The day it became vacant everyone was asked at once; a card that day only carries work.
    if (window.day <= copenhagenDate(kase.vacancy.since) && items.length === 0) continue;
    out.push(...vacancyReminders(kase, items, window));
  }
  return out;
}

/**
 * Pending coordinator items (found in the day's ledger, addressed to the previous coordinator or in
 * the ended vacancy's cards) planned again for whoever coordinates now. Keys name the day and the
 * new recipient, so a repeated move adds nothing, and never collide with the stopped originals.
 */
export function movedReminders(items: ReminderItem[], kase: Case, window: PlanWindow, { announce = false } = {}): PlannedReminder[] {
  const unique = new Map<string, ReminderItem>();
  for (const item of items) if (item.caseId === kase._id && COORDINATOR_KINDS.includes(item.kind)) unique.set(`${item.subject}|${item.kind}`, item);
  const moved = [...unique.values()];
  if (kase.status !== 'open') return [];
  // `announce`: nobody has asked the professionals yet (an operator recorded the vacancy): today's card asks them.
  if (vacantNow(kase) && announce && moved.length === 0) return vacancyReminders(kase, [], window);
  if (moved.length === 0) return [];
  if (vacantNow(kase)) return vacancyReminders(kase, moved, window).map((r) => ({ ...r, key: `${r.key}|moved` }));
  const coordinator = activeMember(kase, { userId: kase.coordinatorId });
  if (!coordinator) return [];
  const at = startOf(window);
  return moved.map((item) => ({
    key: `${item.subject}|${item.kind}|moved|${window.day}|to:${coordinator.userId}`,
    subject: item.subject,
    kind: item.kind,
    recipientId: coordinator.userId,
    recipientName: coordinator.name,
    caseId: kase._id,
    at,
    items: [item],
  }));
}
