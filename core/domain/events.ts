/** One entry in a case's audit trail. Written once, never updated or deleted. */
export interface CaseEvent {
  _id: string;
  caseId: string;
  at: Date;
  actorId: string;
  actorName: string;
  type: string;
  /** `professionals` hides the entry from family and network members. */
  visibility: 'all' | 'professionals';
  data: Record<string, unknown>;
}
