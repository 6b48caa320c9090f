import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { verifyChain, type ChainVerdict, type Linkable } from './chain';
import { ChainStore, entryId, type ChainEntryBase, type ChainHeadDoc } from './chainStore';

export type Surface = 'bot' | 'tab' | 'export' | 'gdpr';

/** One look at a case (or a refused attempt): who, what part, when, through which surface. */
export interface AccessEntry extends ChainEntryBase {
  at: Date;
  actorId: string;
  actorName: string;
  /** `erased`: an erasure marker (core/gdpr); the entries it lists in `redacts` may have replaced content. */
  action: 'read' | 'refused' | 'erased';
  /** What was read (`timeline`, `tab.overview` …) or attempted (`agreement.accept` …). */
  part: string;
  surface: Surface;
  reason?: string;
  /** On an erasure marker: the positions in this chain whose content the erasure replaced. */
  redacts?: number[];
  redactedBy?: string;
}

export function splitAccess(entry: Pick<AccessEntry, 'key' | 'at' | 'action' | 'part' | 'surface' | 'familySeq' | 'actorId' | 'actorName' | 'reason' | 'redacts'>) {
  return {
    // `redacts` is absent on every other entry, and an absent field is left out of the hash.
    envelope: { key: entry.key, at: entry.at, action: entry.action, part: entry.part, surface: entry.surface, familySeq: entry.familySeq, redacts: entry.redacts },
    content: { actorId: entry.actorId, actorName: entry.actorName, reason: entry.reason },
  };
}

/**
 * Who read which case, and who was refused: append-only, hash-chained per case like the history,
 * and kept apart from it so that the timeline never wades through reads (issue #12).
 */
export class AccessLog {
  private readonly chain: ChainStore<AccessEntry>;

  constructor(
    readonly collection: Collection<AccessEntry>,
    heads: Collection<ChainHeadDoc>,
  ) {
    this.chain = new ChainStore(collection, heads, (entry) => splitAccess(entry as never));
  }

  async record(caseId: string, entry: { at: Date; actorId: string; actorName: string; action: AccessEntry['action']; part: string; surface: Surface; reason?: string }): Promise<void> {
    await this.chain.append(caseId, { ...entry, key: `access:${randomUUID()}` } as never, false);
  }

  /**
   * An erasure marker (core/gdpr): appended once per key, listing the positions whose content the
   * erasure is about to replace. Returns the marker as stored.
   */
  async recordErasure(caseId: string, entry: { key: string; at: Date; actorId: string; actorName: string; redacts: number[]; reason: string }): Promise<AccessEntry> {
    const { entry: stored } = await this.chain.append(caseId, { ...entry, action: 'erased', part: 'gdpr.erasure', surface: 'gdpr' } as never, false);
    return stored;
  }

  /** Erasure: replaces an entry's content (who, reason) and names the marker that lists it. */
  async redact(caseId: string, seq: number, content: Pick<AccessEntry, 'actorId' | 'actorName' | 'reason'>, redactedBy: string): Promise<void> {
    const set: Record<string, unknown> = { actorId: content.actorId, actorName: content.actorName, redactedBy };
    if (content.reason !== undefined) set.reason = content.reason;
    await this.collection.updateOne({ _id: entryId(caseId, seq) } as never, { $set: set } as never);
  }

  all(caseId: string): Promise<AccessEntry[]> {
    return this.chain.all(caseId);
  }

  async verify(caseId: string): Promise<ChainVerdict> {
    const entries = await this.all(caseId);
    const linkable: Linkable[] = entries.map((e) => ({ ...splitAccess(e), caseId: e.caseId, seq: e.seq, contentHash: e.contentHash, prevHash: e.prevHash, hash: e.hash, redactedBy: e.redactedBy }));
    return verifyChain(linkable, await this.chain.head(caseId), accessErasuresOf(entries));
  }

  async caseIds(): Promise<string[]> {
    const fromHeads = await this.chain.caseIds();
    const fromEntries = (await this.collection.distinct('caseId')) as string[];
    return [...new Set([...fromHeads, ...fromEntries])].sort();
  }
}

/** Redacted content verifies only against an erasure marker of the same chain that lists it and was not itself redacted. */
export function accessErasuresOf(entries: AccessEntry[]): (id: string, seq: number) => boolean {
  const markers = new Map(entries.filter((e) => e.action === 'erased' && !e.redactedBy).map((e) => [e._id, new Set(e.redacts ?? [])]));
  return (id, seq) => markers.get(id)?.has(seq) ?? false;
}
