import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { verifyChain, type ChainVerdict, type Linkable } from './chain';
import { ChainStore, type ChainEntryBase, type ChainHeadDoc } from './chainStore';

export type Surface = 'bot' | 'tab' | 'export' | 'gdpr';

/** One look at a case (or a refused attempt): who, what part, when, through which surface. */
export interface AccessEntry extends ChainEntryBase {
  at: Date;
  actorId: string;
  actorName: string;
  action: 'read' | 'refused';
  /** What was read (`timeline`, `tab.overview` …) or attempted (`agreement.accept` …). */
  part: string;
  surface: Surface;
  reason?: string;
  redactedBy?: string;
}

export function splitAccess(entry: Pick<AccessEntry, 'key' | 'at' | 'action' | 'part' | 'surface' | 'familySeq' | 'actorId' | 'actorName' | 'reason'>) {
  return {
    envelope: { key: entry.key, at: entry.at, action: entry.action, part: entry.part, surface: entry.surface, familySeq: entry.familySeq },
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

  all(caseId: string): Promise<AccessEntry[]> {
    return this.chain.all(caseId);
  }

  async verify(caseId: string): Promise<ChainVerdict> {
    const entries = await this.all(caseId);
    const linkable: Linkable[] = entries.map((e) => ({ ...splitAccess(e), caseId: e.caseId, seq: e.seq, contentHash: e.contentHash, prevHash: e.prevHash, hash: e.hash, redactedBy: e.redactedBy }));
    return verifyChain(linkable, await this.chain.head(caseId), () => true);
  }

  async caseIds(): Promise<string[]> {
    const fromHeads = await this.chain.caseIds();
    const fromEntries = (await this.collection.distinct('caseId')) as string[];
    return [...new Set([...fromHeads, ...fromEntries])].sort();
  }
}
