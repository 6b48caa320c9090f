import type { Collection, Db } from 'mongodb';

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
  private readonly collection: Collection<ChannelLink>;

  constructor(db: Db) {
    this.collection = db.collection<ChannelLink>('caseChannels');
  }

  /** A no-op when it exists; safe at every start. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ channelId: 1 }, { unique: true, name: 'caseChannels_by_channel' });
  }

  async insert(link: ChannelLink): Promise<void> {
    await this.collection.insertOne(link);
  }

  get(caseId: string): Promise<ChannelLink | null> {
    return this.collection.findOne({ _id: caseId });
  }

  byChannel(channelId: string): Promise<ChannelLink | null> {
    return this.collection.findOne({ channelId });
  }

  async markArchived(caseId: string, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: caseId }, { $set: { archivedAt: at } });
  }
}
