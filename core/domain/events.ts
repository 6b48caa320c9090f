/**
 * A history entry seen loosely: any type, data as a record. The typed union is core/audit/events.ts;
 * this view is for consumers that only look at a few fields of some events.
 */
export interface CaseEvent {
  _id: string;
  caseId: string;
  at: Date;
  actorId: string;
  actorName: string;
  type: string;
  visibility: 'all' | 'professionals';
  data: Record<string, unknown>;
}
