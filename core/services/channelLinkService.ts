import type { Actor, Case } from '../domain/case';
import { draft } from '../audit/events';
import type { ChannelLink, ChannelLinkRepository } from '../persistence/channelLinkRepository';

/** The Teams channels Samspil created for cases: each link is recorded with its event, as is its archiving. */
export class ChannelLinkService {
  constructor(private readonly links: ChannelLinkRepository) {}

  /** Remembers the channel of a case, for member sync and archiving; a retry records nothing new. */
  async link(kase: Case, channel: Omit<ChannelLink, '_id' | 'createdAt'>, actor: Actor): Promise<ChannelLink> {
    const link: ChannelLink = { _id: kase._id, ...channel, createdAt: kase.createdAt };
    const data = { channelId: link.channelId, displayName: link.displayName, membershipType: link.membershipType };
    // Keyed by case: a retry of the same creation appends nothing new.
    await this.links.insert(link, [draft('case.channelCreated', data, { key: `channel:${kase._id}:created`, caseId: kase._id, at: kase.createdAt, actor, visibility: 'professionals' })]);
    return (await this.links.get(kase._id)) ?? link;
  }

  of(caseId: string): Promise<ChannelLink | null> {
    return this.links.get(caseId);
  }

  ofChannel(channelId: string): Promise<ChannelLink | null> {
    return this.links.byChannel(channelId);
  }

  /** Records that the case's channel was archived in Teams. */
  async archived(kase: Case, link: ChannelLink, actor: Actor, at: Date): Promise<void> {
    await this.links.markArchived(kase._id, at, [draft('case.channelArchived', { channelId: link.channelId }, { key: `channel:${kase._id}:archived`, caseId: kase._id, at, actor, visibility: 'professionals' })]);
  }
}
