import type { Collection, Filter } from 'mongodb';
import { entryId, type ChainHeadDoc } from '../audit/chainStore';
import type { CaseEvent, EventType } from '../audit/events';
import type { AgreementStatus } from '../domain/agreement';
import type { CaseStatus } from '../domain/case';
import type { CaseFacts, MeetingFacts } from '../domain/leaderOverview';
import { ASSESSMENT_AREAS, type AssessmentArea, type WellbeingLevel } from '../domain/scales';
import { isDuplicateKey } from './writes';

export const LEADER_FACTS_COLLECTION = 'leaderFacts';

/**
 * How a case's facts are stored: the fields the overview selects by and moves on (`teamId`,
 * `conversationId`, `seq`, `lastActivityAt`) as they are, and everything else in one compact string.
 * A unit's overview reads 1,000 of these at once, and FerretDB's cost is per value in a document:
 * the same facts as lists of small objects took 5–6 times longer to read, and as a dozen string
 * fields 1.6 times longer, than as one string (1,000 documents, measured here; docs/leader.md).
 *
 * `facts` is eight parts joined by `#` (no part can contain one: statuses, dates, numbers, GUIDs):
 * 1. `status|createdAt ms|closedAt ms or empty`
 * 2. agreements: `status|dueDate|createdAt ms|acceptedAt ms or empty`, joined by `;`
 * 3. rounds: `number|closedAt ms|levels`, levels one letter per area in ASSESSMENT_AREAS order (g, y, r, or - when nobody rated it), joined by `;`
 * 4. warnings: `raisedAt ms|status|answered 0 or 1|time to action ms or empty`, joined by `;`
 * 5. times people waiting for consent were proposed, ms, joined by `,`
 * 6. Entra object IDs of the active members, joined by `,`
 * 7. when the facts were read, ms
 * 8. meetings: `startsAt ms|status|invited|answered|cancellation notices in minutes joined by ,|present,absent or empty`, joined by `;`
 *
 * `format` says which parts the string has: facts stored in an older format are rebuilt by
 * `refreshStale` as if their case had moved on (the first start after meetings were added, #15).
 */
export interface StoredFacts {
  _id: string;
  teamId: string | null;
  conversationId: string;
  seq: number;
  lastActivityAt: Date;
  facts: string;
  format?: number;
}

/** 2: meetings added (part 8). Facts without it (or older) are rebuilt. */
export const FACTS_FORMAT = 2;

const LEVEL_CODE: Record<WellbeingLevel, string> = { green: 'g', yellow: 'y', red: 'r' };
const LEVEL_OF: Record<string, WellbeingLevel> = { g: 'green', y: 'yellow', r: 'red' };
const ms = (date: Date | null | undefined) => (date ? String(new Date(date).getTime()) : '');
const date = (text: string | undefined) => (text ? new Date(Number(text)) : null);
const list = (text: string | undefined, separator: string) => (text ? text.split(separator) : []);

const encodeMeeting = (m: MeetingFacts) =>
  [ms(m.startsAt), m.status, m.invited, m.answered, m.cancellationNotices.join(','), m.attendance ? `${m.attendance.present},${m.attendance.absent}` : ''].join('|');

function decodeMeeting(text: string): MeetingFacts {
  const [startsAt, status, invited, answered, notices, attendance] = text.split('|');
  const [present, absent] = list(attendance, ',').map(Number);
  return {
    startsAt: date(startsAt)!,
    status: status as MeetingFacts['status'],
    invited: Number(invited),
    answered: Number(answered),
    cancellationNotices: list(notices, ',').map(Number),
    attendance: attendance ? { present: present!, absent: absent! } : null,
  };
}

export function encodeFacts(f: CaseFacts): StoredFacts {
  const parts = [
    [f.status, ms(f.createdAt), ms(f.closedAt)].join('|'),
    f.agreements.map((a) => [a.status, a.dueDate, ms(a.createdAt), ms(a.acceptedAt)].join('|')).join(';'),
    f.rounds.map((r) => [r.number, ms(r.closedAt), ASSESSMENT_AREAS.map((area) => (r.levels[area] ? LEVEL_CODE[r.levels[area]!] : '-')).join('')].join('|')).join(';'),
    f.warnings.map((w) => [ms(w.raisedAt), w.status, w.answered ? '1' : '0', w.timeToActionMs === null ? '' : String(w.timeToActionMs)].join('|')).join(';'),
    f.pendingConsent.map((at) => ms(at)).join(','),
    f.memberIds.join(','),
    ms(f.refreshedAt),
    f.meetings.map(encodeMeeting).join(';'),
  ];
  return { _id: f._id, teamId: f.teamId, conversationId: f.conversationId, seq: f.seq, lastActivityAt: f.lastActivityAt, facts: parts.join('#'), format: FACTS_FORMAT };
}

export function decodeFacts(s: StoredFacts): CaseFacts {
  const [info, agreements, rounds, warnings, pending, members, refreshed, meetings] = s.facts.split('#');
  const [status, created, closed] = (info ?? '').split('|');
  return {
    _id: s._id,
    teamId: s.teamId,
    conversationId: s.conversationId,
    seq: s.seq,
    status: status as CaseStatus,
    createdAt: date(created)!,
    closedAt: date(closed),
    lastActivityAt: new Date(s.lastActivityAt),
    agreements: list(agreements, ';').map((a) => {
      const [st, dueDate, createdAt, acceptedAt] = a.split('|');
      return { status: st as AgreementStatus, dueDate: dueDate!, createdAt: date(createdAt)!, acceptedAt: date(acceptedAt) };
    }),
    rounds: list(rounds, ';').map((r) => {
      const [number, closedAt, codes] = r.split('|');
      const levels: Partial<Record<AssessmentArea, WellbeingLevel>> = {};
      ASSESSMENT_AREAS.forEach((area, i) => {
        const level = LEVEL_OF[codes?.[i] ?? '-'];
        if (level) levels[area] = level;
      });
      return { number: Number(number), closedAt: date(closedAt)!, levels };
    }),
    warnings: list(warnings, ';').map((w) => {
      const [raisedAt, st, answered, tta] = w.split('|');
      return { raisedAt: date(raisedAt)!, status: st as CaseFacts['warnings'][number]['status'], answered: answered === '1', timeToActionMs: tta ? Number(tta) : null };
    }),
    pendingConsent: list(pending, ',').map((at) => date(at)!),
    memberIds: list(members, ','),
    meetings: list(meetings, ';').map(decodeMeeting),
    refreshedAt: date(refreshed)!,
  };
}

export class LeaderFactsRepository {
  constructor(
    readonly collection: Collection<StoredFacts>,
    private readonly heads: Collection<ChainHeadDoc>,
    private readonly events: Collection<CaseEvent>,
  ) {}

  /** The facts of every case in a Teams team (one indexed equality query). */
  async byTeam(teamId: string): Promise<CaseFacts[]> {
    return (await this.collection.find({ teamId }).toArray()).map(decodeFacts);
  }

  /** The facts of the case in a channel or chat (one indexed equality query). */
  async byConversation(conversationId: string): Promise<CaseFacts[]> {
    return (await this.collection.find({ conversationId }).toArray()).map(decodeFacts);
  }

  async byId(caseId: string): Promise<CaseFacts | null> {
    const found = await this.collection.findOne({ _id: caseId });
    return found && decodeFacts(found);
  }

  /**
   * Stores facts read at history position `facts.seq`, unless newer ones are stored already
   * (another instance refreshed the case after a later change). Facts read at the same position
   * are equally current; the later write wins. Returns false when newer ones were kept.
   */
  async save(facts: CaseFacts, { expectNew = false } = {}): Promise<boolean> {
    const stored = encodeFacts(facts);
    const filter = { _id: stored._id, seq: { $lte: stored.seq } } as Filter<StoredFacts>;
    const { _id, ...fields } = stored;
    // A case's first facts (the caller read none): the insert is the write that usually succeeds.
    if (!expectNew && (await this.collection.updateOne(filter, { $set: fields })).matchedCount === 1) return true;
    try {
      await this.collection.insertOne(stored);
      return true;
    } catch (error) {
      // Someone stored facts for this case meanwhile: keep the newer of the two.
      if (!isDuplicateKey(error)) throw error;
      return (await this.collection.updateOne(filter, { $set: fields })).matchedCount === 1;
    }
  }

  /** A change that only moves "last activity" on: false when the case has no facts yet. */
  async touch(caseId: string, at: Date | null, seq: number): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: caseId }, at ? { $max: { lastActivityAt: at, seq } } : { $max: { seq } });
    return result.matchedCount === 1;
  }

  /** Where a case's history is, as its head records it (0 without a history). */
  async headSeq(caseId: string): Promise<number> {
    return (await this.heads.findOne({ _id: caseId }, { projection: { seq: 1 } }))?.seq ?? 0;
  }

  /**
   * Every history's recorded position, and every case's facts position: two reads of small
   * documents. Facts in an older format count as behind (-1), so that they are rebuilt.
   */
  async positions(): Promise<{ heads: Map<string, number>; facts: Map<string, number> }> {
    const [heads, facts] = await Promise.all([
      this.heads.find({}, { projection: { _id: 1, seq: 1 } }).toArray(),
      this.collection.find({}, { projection: { _id: 1, seq: 1, format: 1 } }).toArray(),
    ]);
    return { heads: new Map(heads.map((h) => [h._id, h.seq])), facts: new Map(facts.map((f) => [f._id, (f.format ?? 1) >= FACTS_FORMAT ? f.seq : -1])) };
  }

  /**
   * The newest event of a case that `counts`, walking back from position `from` by `_id` (entries
   * are `<caseId>:<seq>`, so each step is one indexed lookup), at most `limit` steps.
   */
  async newestEvent(caseId: string, from: number, counts: (type: EventType) => boolean, limit = 30): Promise<{ type: EventType; at: Date; seq: number } | null> {
    for (let seq = from; seq >= 1 && seq > from - limit; seq--) {
      const event = (await this.events.findOne({ _id: entryId(caseId, seq) } as never, { projection: { type: 1, at: 1, seq: 1 } })) as { type: EventType; at: Date; seq: number } | null;
      if (event && counts(event.type)) return event;
    }
    return null;
  }
}
