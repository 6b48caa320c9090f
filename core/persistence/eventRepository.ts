import { randomUUID } from 'node:crypto';

/**
 * The history now lives in core/audit (a hash chain per case, appended through the outbox in
 * core/audit/auditedWrites.ts). This module keeps the old name for code that still imports it.
 */
export { EventStore as EventRepository } from '../audit/eventStore';
export type { EventListener } from '../audit/bus';

let sequence = 0;

/** A unique ID that sorts in the order it was made (seed data in the benches). */
export function sortableEventId(): string {
  sequence = (sequence + 1) % 1_679_616;
  return `${Date.now().toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}-${randomUUID().slice(0, 8)}`;
}
