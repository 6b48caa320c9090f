import type { Collection } from 'mongodb';
import type { AuditedWrites } from '../audit/auditedWrites';
import type { EventDraft } from '../audit/events';

/**
 * Which Teams channel Samspil created for a case, and what Graph needs to reach it again
 * (the team's Microsoft 365 group ID). One document per case; a case bound to an existing
 * channel or group chat has none.
 */
export interface ChannelLink {
  /** The case ID. */
  _id: string;
  tenantId: string;
  /** The team's Microsoft 365 group ID (Graph's team ID). */
  teamAadGroupId: string;
  /** The Teams team ID (19:…), as the bot sees it. */
  teamId?: string;
  /** Graph's channel ID, which is also the Teams channel conversation ID. */
  channelId: string;
  displayName: string;
  membershipType: 'standard' | 'private';
  webUrl?: string;
  createdAt: Date;
  archivedAt?: Date;
}

export class ChannelLinkRepository {
  constructor(
    private readonly collection: Collection<ChannelLink>,
    private readonly audited: AuditedWrites,
  ) {}

  /** The link and its event together; false when the case had its link already. */
  insert(link: ChannelLink, events: EventDraft[]): Promise<boolean> {
    return this.audited.insert(this.collection, link, events);
  }

  get(caseId: string): Promise<ChannelLink | null> {
    return this.collection.findOne({ _id: caseId });
  }

  byChannel(channelId: string): Promise<ChannelLink | null> {
    return this.collection.findOne({ channelId });
  }

  /** Archived once: false when it was archived already. */
  markArchived(caseId: string, at: Date, events: EventDraft[]): Promise<boolean> {
    return this.audited.update(this.collection, { _id: caseId, archivedAt: { $exists: false } } as never, { $set: { archivedAt: at } }, events);
  }
}
