import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { EventBus } from './bus';
import { PositionCache } from '../persistence/positionCache';
import { ChainStore, entryId, linkEntries, type ChainHeadDoc, type ChainTip } from './chainStore';
import { verifyChain, type ChainVerdict, type Linkable } from './chain';
import type { CaseEvent, EventDraft, EventType } from './events';

export type TimelineView = 'professional' | 'family';

/** Timeline pages kept (core/persistence/positionCache.ts). */
const TIMELINE_CACHE_PAGES = 200;

/** A family page's window of positions is moved this many times before the range read. */
const FAMILY_WINDOW_TRIES = 4;
/** The widest window read at once (positions, within one `$in`). */
const FAMILY_WINDOW_MAX = 400;

export interface EventPage {
  events: CaseEvent[];
  page: number;
  pages: number;
  total: number;
}

/**
 * The parts of an event that its own hash covers, and the content that erasure may replace. The
 * key is content: some keys name a person (an answer's key carries its author's Teams ID), and
 * erasure must be able to replace it; the content hash still covers it.
 */
export function splitEvent(event: Pick<CaseEvent, 'key' | 'at' | 'type' | 'visibility' | 'familySeq' | 'actorId' | 'actorName' | 'data'>): { envelope: Record<string, unknown>; content: Record<string, unknown> } {
  return {
    envelope: { at: event.at, type: event.type, visibility: event.visibility, familySeq: event.familySeq },
    content: { key: event.key, actorId: event.actorId, actorName: event.actorName, data: event.data },
  };
}

export const asLinkable = (event: CaseEvent): Linkable => ({ ...splitEvent(event), caseId: event.caseId, seq: event.seq, contentHash: event.contentHash, prevHash: event.prevHash, hash: event.hash, redactedBy: event.redactedBy });

/**
 * A case's history: every change, in order, in a hash chain per case (core/audit/chain.ts).
 * Append-only; the only rewrite is erasure, which replaces content and keeps the chain.
 */
export class EventStore {
  private readonly chain: ChainStore<CaseEvent & { _id: string }>;
  /** Timeline pages read lately, kept by the chain's position (a page is read by everyone in a meeting). */
  private readonly pages = new PositionCache<CaseEvent[]>(TIMELINE_CACHE_PAGES);

  constructor(
    readonly collection: Collection<CaseEvent>,
    heads: Collection<ChainHeadDoc>,
    private readonly bus: EventBus,
  ) {
    this.chain = new ChainStore(collection as never, heads, (entry) => splitEvent(entry as never));
  }

  /**
   * Appends a change to its case's chain, once per key; listeners hear of it once it is stored.
   * Changes go through AuditedWrites (their event is in the changed document's outbox first); a
   * draft without a key gets a unique one and is appended as it comes.
   */
  async append<T extends EventType>(given: EventDraft<T> | (Omit<EventDraft<T>, 'key'> & { key?: string })): Promise<CaseEvent<T>> {
    const draft = { ...given, key: given.key ?? `event:${randomUUID()}` } as EventDraft<T>;
    const { caseId, ...rest } = draft;
    const { entry, appended } = await this.chain.append(caseId, rest as never, draft.visibility === 'all');
    if (appended) this.bus.emit(entry as CaseEvent);
    return entry as unknown as CaseEvent<T>;
  }

  subscribe: EventBus['subscribe'] = (listener, onError) => this.bus.subscribe(listener, onError);

  byKey(key: string): Promise<CaseEvent | null> {
    return this.chain.byKey(key) as Promise<CaseEvent | null>;
  }

  /** The case's position in its history: how many events its chain holds (moves with every change). */
  async position(caseId: string): Promise<number> {
    return (await this.chain.tip(caseId)).seq;
  }

  /** How many events of one type a case has (counted by the database, not loaded). */
  count(caseId: string, type: EventType): Promise<number> {
    return this.collection.countDocuments({ caseId, type });
  }

  /**
   * One page of the timeline, newest first, without scanning the case's history: positions in
   * the chain are dense, so a professional's page N is one `_id: {$in}` read of ten positions; the family's
   * view counts family-visible events (`familySeq`) and reads a window of positions around where its page must be.
   */
  async page(caseId: string, view: TimelineView, page: number, size: number): Promise<EventPage> {
    const tip = await this.chain.tip(caseId);
    const total = view === 'professional' ? tip.seq : tip.familySeq;
    const pages = Math.max(1, Math.ceil(total / size));
    const current = Math.min(Math.max(1, page), pages);
    if (total === 0) return { events: [], page: 1, pages: 1, total: 0 };
    // A page read at this position is the page until the chain moves (core/persistence/positionCache.ts).
    const events = await this.pages.get(`${caseId}|${view}|${current}|${size}`, tip.seq, () => this.pageEvents(caseId, view, tip, current, size));
    return { events, page: current, pages, total };
  }

  private pageEvents(caseId: string, view: TimelineView, tip: ChainTip, current: number, size: number): Promise<CaseEvent[]> {
    if (view === 'family') {
      const high = tip.familySeq - (current - 1) * size;
      return this.familyEvents(caseId, tip, Math.max(0, high - size), high);
    }
    const top = tip.seq - (current - 1) * size;
    return this.chain.entriesAt(caseId, Array.from({ length: Math.min(size, top) }, (_, i) => top - i));
  }

  /**
   * The family-visible events numbered (low, high] by `familySeq`, newest first. Their positions are
   * guessed from the share of family-visible events in the chain and read in one `_id: {$in}` of a
   * window around the guess, moved (and widened) when it misses; after a few misses, one read of the
   * `familySeq` range (correct, but it tests every event of the case in the database).
   */
  private async familyEvents(caseId: string, tip: ChainTip, low: number, high: number): Promise<CaseEvent[]> {
    const wanted = high - low;
    if (wanted <= 0) return [];
    const ratio = tip.seq / tip.familySeq;
    // The f-th family-visible event has at least f positions up to it and one per later family-visible event after it.
    const lowest = low + 1;
    const highest = tip.seq - (tip.familySeq - high);
    let span = Math.min(FAMILY_WINDOW_MAX, Math.ceil(wanted * ratio) + wanted + 2);
    let top = Math.min(highest, Math.ceil(high * ratio) + 1);
    for (let attempt = 0; attempt < FAMILY_WINDOW_TRIES; attempt++) {
      top = Math.max(Math.min(top, highest), Math.min(highest, lowest + span - 1));
      const from = Math.max(lowest, top - span + 1);
      const found = (await this.chain.entriesAt(caseId, Array.from({ length: top - from + 1 }, (_, i) => top - i))) as CaseEvent[];
      const page = found.filter((e) => e.visibility === 'all' && e.familySeq > low && e.familySeq <= high);
      if (page.length === wanted) return page;
      const newest = found[0]?.familySeq ?? 0;
      const oldest = found.at(-1)?.familySeq ?? 0;
      // Ends before `high`: move up; otherwise the window starts after `low`: move down. Wider each time.
      top += newest < high ? Math.ceil((high - newest) * ratio) + 1 : -Math.ceil((oldest - low) * ratio) - 1;
      span = Math.min(FAMILY_WINDOW_MAX, span * 2);
    }
    const ranged = await this.collection.find({ caseId, visibility: 'all', familySeq: { $gt: low, $lte: high } }).toArray();
    return ranged.sort((a, b) => b.seq - a.seq);
  }

  /** The newest events of a case (tests, the closing summary, exports): a scan, not for requests. */
  async forCase(caseId: string, { limit = 50, includeProfessionalOnly = true } = {}): Promise<CaseEvent[]> {
    const all = (await this.chain.all(caseId)) as CaseEvent[];
    return all
      .filter((e) => includeProfessionalOnly || e.visibility === 'all')
      .reverse()
      .slice(0, limit);
  }

  all(caseId: string): Promise<CaseEvent[]> {
    return this.chain.all(caseId) as Promise<CaseEvent[]>;
  }

  async verify(caseId: string): Promise<ChainVerdict> {
    const events = await this.all(caseId);
    return verifyChain(events.map(asLinkable), await this.chain.head(caseId), erasuresOf(events));
  }

  /**
   * Erasure (core/gdpr): replaces an entry's content (key, who, data) and names the `person.erased`
   * event of the same chain that lists this position. The envelope and the hashes stay as they were.
   */
  async redact(caseId: string, seq: number, content: Pick<CaseEvent, 'key' | 'actorId' | 'actorName' | 'data'>, redactedBy: string): Promise<void> {
    await this.collection.updateOne({ _id: entryId(caseId, seq) } as never, { $set: { key: content.key, actorId: content.actorId, actorName: content.actorName, data: content.data, redactedBy } } as never);
  }

  /** Every case that has a history, from the heads and from the entries (a head may be missing after a crash). */
  async caseIds(): Promise<string[]> {
    const fromHeads = await this.chain.caseIds();
    const fromEntries = (await this.collection.distinct('caseId')) as string[];
    return [...new Set([...fromHeads, ...fromEntries])].sort();
  }
}

/**
 * Links drafts into a chain in memory: what `append` would store, one after the other. For seeding
 * large histories (benches, tests) in one insert instead of thousands of appends.
 */
export function chainDrafts(caseId: string, drafts: EventDraft[]): { events: CaseEvent[]; head: ChainHeadDoc } {
  const { entries, head } = linkEntries(caseId, drafts, (e) => splitEvent(e as never), (d) => d.visibility === 'all');
  return { events: entries as unknown as CaseEvent[], head };
}

/**
 * Which redactions a chain accounts for: an entry's content may differ from its hash only if
 * `redactedBy` names a `person.erased` event of the same chain that lists the entry's position and
 * was not itself redacted.
 */
export function erasuresOf(events: CaseEvent[]): (id: string, seq: number) => boolean {
  const listed = new Map<string, Set<number>>();
  for (const e of events) if (e.type === 'person.erased' && !e.redactedBy) listed.set(e._id, new Set(e.data.seqs ?? []));
  return (id, seq) => listed.get(id)?.has(seq) ?? false;
}
