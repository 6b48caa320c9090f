import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { Actor, Case } from '../../core/domain/case';
import type { Reader } from '../../core/domain/audience';
import { MEMBERSHIP_EVENTS, type CaseEvent } from '../../core/audit/events';
import type { MessageKey } from '../../core/i18n';
import type { ChannelLink } from '../../core';
import { GraphError, type GraphClient } from './graph';
import { channelNameFor, isNameConflict } from './names';

/**
 * Case channels through Microsoft Graph: a channel per case (standard, or private with the
 * case's members), keeping a private channel's members in step with the case, and archiving
 * the channel when the case closes. Posting into a channel needs no Graph: the bot does that.
 */

export type CaseChannelMode = 'current' | 'dedicated' | 'private';

interface GraphChannel {
  id: string;
  displayName: string;
  webUrl?: string;
  membershipType?: string;
}

interface GraphMember {
  id: string;
  userId?: string;
  roles?: string[];
  displayName?: string;
}

export interface ChannelRequest {
  tenantId: string;
  /** Unknown when the bot never saw the team's install event. */
  teamAadGroupId: string | undefined;
  teamId?: string;
  title: string;
  description: string;
  /** The name to use when the title leaves nothing usable. */
  fallbackName: string;
  /** The coordinator's Entra object ID: the owner of a private channel. */
  ownerAadObjectId?: string;
}

export type ChannelOutcome =
  | { kind: 'created'; channel: Omit<ChannelLink, '_id' | 'createdAt'> }
  /** Graph may not be used here: bind the current channel and tell the user how to enable it. */
  | { kind: 'fallback'; hint: MessageKey }
  /** A passing problem: nothing was created; the user tries again. */
  | { kind: 'refused'; message: MessageKey; params?: Record<string, string> };

export type ArchiveOutcome = 'archived' | 'none' | 'notAllowed' | 'failed';

/** How many names we try ("Title", "Title (2)" … "Title (6)") before giving up. */
const NAME_ATTEMPTS = 6;

export class CaseChannels {
  private readonly syncs = new Map<string, Promise<void>>();
  /** Told when a private channel's members were brought in step, so its readers are read again. */
  onMembersSynced: (channelId: string) => Promise<void> = async () => undefined;

  constructor(
    readonly mode: CaseChannelMode,
    private readonly graph: GraphClient,
    private readonly core: Pick<Core, 'cases' | 'conversations' | 'changes' | 'channelLinks'>,
    private readonly logger: Logger,
  ) {}

  /** Private channels follow the case's members: every member event re-syncs the channel. */
  subscribe(): void {
    this.core.changes.subscribe(
      async (event: CaseEvent) => {
        if (MEMBERSHIP_EVENTS.includes(event.type)) await this.syncMembers(event.caseId);
      },
      (error) => this.logger.warn({ err: describe(error) }, 'could not bring the private case channel in step with the case members'),
    );
  }

  /**
   * The team's Microsoft 365 group ID. Teams only sends it in install and membership events, which
   * the bot stores per conversation; the team's General channel has the team's own ID.
   */
  async teamAadGroupId(conversationId: string, teamId: string | undefined): Promise<string | undefined> {
    const here = await this.core.conversations.get(conversationId);
    if (here?.aadGroupId) return here.aadGroupId;
    if (!teamId) return undefined;
    const general = await this.core.conversations.get(teamId);
    return general?.aadGroupId;
  }

  /** Creates the case's channel; a taken name gets a number, throttling is retried by the client. */
  async createChannel(request: ChannelRequest): Promise<ChannelOutcome> {
    const isPrivate = this.mode === 'private';
    if (!this.graph.configured) return { kind: 'fallback', hint: 'channels.fallback.noCredentials' };
    if (!request.teamAadGroupId || !request.tenantId) return { kind: 'fallback', hint: 'channels.fallback.unknownTeam' };
    if (isPrivate && !request.ownerAadObjectId) return { kind: 'fallback', hint: 'channels.fallback.noAadUser' };
    const teamAadGroupId = request.teamAadGroupId;

    for (let attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
      const displayName = channelNameFor(request.title, request.fallbackName, attempt === 1 ? '' : ` (${attempt})`);
      const body: Record<string, unknown> = { displayName, description: request.description.slice(0, 1024), membershipType: isPrivate ? 'private' : 'standard' };
      if (isPrivate) {
        body['@odata.type'] = '#Microsoft.Graph.channel';
        body.members = [this.memberBinding(request.ownerAadObjectId!, ['owner'])];
      }
      try {
        const { body: channel } = await this.graph.call<GraphChannel>(request.tenantId, 'POST', `/teams/${encodeURIComponent(teamAadGroupId)}/channels`, body);
        this.logger.info({ teamAadGroupId, channelId: channel.id, membershipType: body.membershipType }, 'created a case channel');
        return {
          kind: 'created',
          channel: {
            tenantId: request.tenantId,
            teamAadGroupId,
            teamId: request.teamId,
            channelId: channel.id,
            displayName: channel.displayName ?? displayName,
            membershipType: isPrivate ? 'private' : 'standard',
            webUrl: channel.webUrl,
          },
        };
      } catch (error) {
        if (!(error instanceof GraphError)) throw error;
        if (isNameConflict(error.status, error.code, error.message)) continue;
        this.logger.warn({ status: error.status, code: error.code, message: error.message }, 'Graph did not create the case channel');
        if (error.notAllowed) return { kind: 'fallback', hint: isPrivate ? 'channels.fallback.privateNotAllowed' : 'channels.fallback.notAllowed' };
        if (error.status === 404) return { kind: 'fallback', hint: 'channels.fallback.unknownTeam' };
        return { kind: 'refused', message: error.throttled ? 'channels.busy' : 'channels.failed' };
      }
    }
    return { kind: 'refused', message: 'channels.nameTaken', params: { name: channelNameFor(request.title, request.fallbackName) } };
  }

  linkOf(caseId: string): Promise<ChannelLink | null> {
    return this.core.channelLinks.of(caseId);
  }

  /**
   * Who can read a channel, if it is a private channel of ours: its members as Graph lists them
   * (Entra object IDs). Undefined for any other channel, which the whole team reads.
   */
  async privateMembers(channelId: string): Promise<Reader[] | undefined> {
    const link = await this.core.channelLinks.ofChannel(channelId);
    if (!link || link.membershipType !== 'private') return undefined;
    const path = `/teams/${encodeURIComponent(link.teamAadGroupId)}/channels/${encodeURIComponent(link.channelId)}/members`;
    const { body } = await this.graph.call<{ value: GraphMember[] }>(link.tenantId, 'GET', path);
    return (body?.value ?? []).filter((m) => m.userId).map((m) => ({ aadObjectId: m.userId!.toLowerCase(), name: m.displayName }));
  }

  /** Brings a private channel's members in step with the case's active members (serialized per case). */
  syncMembers(caseId: string): Promise<void> {
    const previous = this.syncs.get(caseId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.syncOnce(caseId));
    this.syncs.set(caseId, next);
    void next.finally(() => {
      if (this.syncs.get(caseId) === next) this.syncs.delete(caseId);
    }).catch(() => undefined);
    return next;
  }

  private async syncOnce(caseId: string): Promise<void> {
    const link = await this.core.channelLinks.of(caseId);
    if (!link || link.membershipType !== 'private') return;
    try {
      await this.syncLink(link, caseId);
    } finally {
      await this.onMembersSynced(link.channelId);
    }
  }

  private async syncLink(link: ChannelLink, caseId: string): Promise<void> {
    const kase = await this.core.cases.find(caseId);
    if (!kase) return;

    const wanted = new Map<string, string[]>();
    for (const member of kase.members) {
      if (member.status === 'active' && member.aadObjectId) wanted.set(member.aadObjectId.toLowerCase(), member.userId === kase.coordinatorId ? ['owner'] : []);
    }
    const path = `/teams/${encodeURIComponent(link.teamAadGroupId)}/channels/${encodeURIComponent(link.channelId)}/members`;
    const { body } = await this.graph.call<{ value: GraphMember[] }>(link.tenantId, 'GET', path);
    const present = body?.value ?? [];
    const presentIds = new Set(present.map((m) => m.userId?.toLowerCase()).filter((id): id is string => !!id));

    for (const [aadObjectId, roles] of wanted) {
      if (!presentIds.has(aadObjectId)) await this.graph.call(link.tenantId, 'POST', path, this.memberBinding(aadObjectId, roles));
    }
    const owners = present.filter((m) => m.roles?.includes('owner'));
    for (const member of present) {
      const id = member.userId?.toLowerCase();
      if (!id || wanted.has(id)) continue;
      // A private channel must keep an owner; the coordinator is one and cannot leave the case.
      if (member.roles?.includes('owner') && owners.length <= 1) continue;
      await this.graph.call(link.tenantId, 'DELETE', `${path}/${encodeURIComponent(member.id)}`);
    }
  }

  /** Archives the case's own channel (read-only for everyone). Cases in an existing channel keep it. */
  async archive(kase: Case, actor: Actor): Promise<ArchiveOutcome> {
    const link = await this.core.channelLinks.of(kase._id);
    if (!link) return 'none';
    if (link.archivedAt) return 'archived';
    try {
      await this.graph.call(link.tenantId, 'POST', `/teams/${encodeURIComponent(link.teamAadGroupId)}/channels/${encodeURIComponent(link.channelId)}/archive`, {});
      const at = new Date();
      await this.core.channelLinks.archived(kase, link, actor, at);
      return 'archived';
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      this.logger.warn({ status: error.status, code: error.code, message: error.message, caseId: kase._id }, 'could not archive the case channel');
      return error.notAllowed ? 'notAllowed' : 'failed';
    }
  }

  private memberBinding(aadObjectId: string, roles: string[]): Record<string, unknown> {
    return {
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      roles,
      'user@odata.bind': `${this.graph.baseUrl}/users('${aadObjectId}')`,
    };
  }
}

function describe(error: unknown): unknown {
  if (error instanceof GraphError) return { status: error.status, code: error.code, message: error.message };
  return error instanceof Error ? { name: error.name, message: error.message } : String(error);
}
