/** The deep link is computed by the planner (core/reminders/links.ts) and snapshotted per item. */
export { caseDeepLink } from '../../core/reminders/links';
