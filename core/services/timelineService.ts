import type { CaseEvent, EventType } from '../audit/events';
import type { EventStore } from '../audit/eventStore';
import type { Actor, Case, Member } from '../domain/case';
import { seesProfessionalOnly } from '../domain/policy';
import type { CaseAccess } from './access';

export const TIMELINE_PAGE_SIZE = 10;

export interface TimelinePage {
  events: CaseEvent[];
  page: number;
  pages: number;
  total: number;
}

/**
 * The case's story, newest first: its history (reads and refusals live in the access log, not
 * here). A professional sees every event; family and network members the family-visible ones.
 */
export class TimelineService {
  constructor(
    private readonly events: EventStore,
    private readonly access: CaseAccess,
  ) {}

  async page(actor: Actor, caseId: unknown, rawPage: unknown = 1): Promise<TimelinePage & { caseTitle: string; caseId: string }> {
    return this.pageOf(actor, await this.access.caseFor(actor, caseId, 'timeline.read'), rawPage);
  }

  /** As `page`, for a case the caller has just read in this turn (the case of the conversation). */
  async pageIn(actor: Actor, kase: Case, rawPage: unknown = 1): Promise<TimelinePage & { caseTitle: string; caseId: string }> {
    return this.pageOf(actor, await this.access.check(actor, kase, 'timeline.read'), rawPage);
  }

  private async pageOf(actor: Actor, { kase, member }: { kase: Case; member: Member }, rawPage: unknown): Promise<TimelinePage & { caseTitle: string; caseId: string }> {
    const requested = typeof rawPage === 'number' && Number.isInteger(rawPage) && rawPage >= 1 && rawPage <= 100_000 ? rawPage : 1;
    const view = seesProfessionalOnly(member) ? 'professional' : 'family';
    const [page] = await Promise.all([this.events.page(kase._id, view, requested, TIMELINE_PAGE_SIZE), this.access.recordRead(actor, kase, 'timeline')]);
    return { ...page, caseTitle: kase.title, caseId: kase._id };
  }

  /** How many events of each type a case's history holds (the closing summary's counts). */
  async counts<T extends EventType>(caseId: string, types: readonly T[]): Promise<Record<T, number>> {
    const counted = await Promise.all(types.map(async (type) => [type, await this.events.count(caseId, type)] as const));
    return Object.fromEntries(counted) as Record<T, number>;
  }
}
