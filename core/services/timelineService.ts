import type { Actor } from '../domain/case';
import type { CaseEvent } from '../domain/events';
import { seesProfessionalOnly } from '../domain/policy';
import type { EventRepository } from '../persistence/eventRepository';
import type { CaseAccess } from './access';

export const TIMELINE_PAGE_SIZE = 10;
/** Audit entries about reading and refusals stay in the trail but are not the case's story. */
export const AUDIT_ONLY_TYPES = ['case.read', 'access.refused', 'member.linked'];

export interface TimelinePage {
  events: CaseEvent[];
  page: number;
  pages: number;
  total: number;
}

export class TimelineService {
  constructor(
    private readonly events: EventRepository,
    private readonly access: CaseAccess,
  ) {}

  async page(actor: Actor, caseId: unknown, rawPage: unknown = 1): Promise<TimelinePage & { caseTitle: string; caseId: string }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'timeline.read');
    const requested = typeof rawPage === 'number' && Number.isInteger(rawPage) && rawPage >= 1 && rawPage <= 100_000 ? rawPage : 1;
    const includeProfessionalOnly = seesProfessionalOnly(member);
    const total = await this.events.countTimeline(kase._id, { includeProfessionalOnly, excludeTypes: AUDIT_ONLY_TYPES });
    const pages = Math.max(1, Math.ceil(total / TIMELINE_PAGE_SIZE));
    const page = Math.min(requested, pages);
    const events = await this.events.timeline(kase._id, { includeProfessionalOnly, excludeTypes: AUDIT_ONLY_TYPES, skip: (page - 1) * TIMELINE_PAGE_SIZE, limit: TIMELINE_PAGE_SIZE });
    await this.access.recordRead(actor, kase, 'timeline');
    return { events, page, pages, total, caseTitle: kase.title, caseId: kase._id };
  }
}
