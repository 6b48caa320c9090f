import type { Collection } from 'mongodb';
import type { InboxEntry } from '../persistence/inboxRepository';
import type { FormRecord } from '../persistence/formRepository';
import type { RoomRecord } from '../persistence/roomRepository';
import type { Clock } from './caseService';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long bookkeeping is kept. None of it is case data: the audit trail and the cases themselves
 * are kept until the controller decides otherwise.
 * - inbox: activity IDs already handled; Teams redelivers within minutes, a week is ample.
 * - forms: a form card not used within a month is refused as unknown; the person asks for a new one.
 * - rooms: a stored roster not looked at for three months is read from Teams again when needed.
 */
export const RETENTION_DAYS = { inbox: 7, forms: 30, rooms: 90 } as const;

export interface RetentionResult {
  inbox: number;
  forms: number;
  rooms: number;
}

/**
 * Removes bookkeeping that only grows. A sweep rather than TTL indexes, because the embedded
 * FerretDB does not expire documents; on MongoDB the same sweep is cheap with the indexes below.
 */
export class RetentionService {
  constructor(
    private readonly collections: { inbox: Collection<InboxEntry>; forms: Collection<FormRecord>; rooms: Collection<RoomRecord> },
    private readonly now: Clock,
  ) {}

  async sweep(): Promise<RetentionResult> {
    const before = (days: number) => new Date(this.now().getTime() - days * DAY_MS);
    const [inbox, forms, rooms] = await Promise.all([
      this.collections.inbox.deleteMany({ receivedAt: { $lt: before(RETENTION_DAYS.inbox) } }),
      this.collections.forms.deleteMany({ createdAt: { $lt: before(RETENTION_DAYS.forms) } }),
      this.collections.rooms.deleteMany({ readAt: { $lt: before(RETENTION_DAYS.rooms) } }),
    ]);
    return { inbox: inbox.deletedCount, forms: forms.deletedCount, rooms: rooms.deletedCount };
  }
}
