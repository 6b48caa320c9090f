export const AGREEMENT_STATUSES = ['proposed', 'accepted', 'declined', 'done', 'cancelled'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** The lifecycle in domain.md. "Overdue" is derived, never stored. */
export const AGREEMENT_TRANSITIONS: Record<AgreementStatus, readonly AgreementStatus[]> = {
  proposed: ['accepted', 'declined', 'cancelled'],
  accepted: ['done', 'cancelled'],
  declined: [],
  done: [],
  cancelled: [],
};

export interface AgreementTransition {
  from: AgreementStatus;
  to: AgreementStatus;
  by: string;
  byName: string;
  at: Date;
  reason?: string;
}

export interface Agreement {
  _id: string;
  caseId: string;
  what: string;
  ownerId: string;
  ownerName: string;
  /** Calendar dates (YYYY-MM-DD) in Europe/Copenhagen. */
  dueDate: string;
  followUpDate: string;
  status: AgreementStatus;
  proposedBy: string;
  proposedByName: string;
  createdAt: Date;
  updatedAt: Date;
  history: AgreementTransition[];
  version: number;
}

export const AGREEMENT_TEXT_MAX = 500;
export const DECLINE_REASON_MAX = 500;

/** Still to be done: proposed and waiting for an answer, or accepted. */
export const OPEN_STATUSES: readonly AgreementStatus[] = ['proposed', 'accepted'];
export const isOpen = (status: AgreementStatus): boolean => OPEN_STATUSES.includes(status);

export function isOverdue(agreement: Pick<Agreement, 'status' | 'dueDate'>, today: string): boolean {
  return isOpen(agreement.status) && agreement.dueDate < today;
}
