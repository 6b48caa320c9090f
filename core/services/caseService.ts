import { randomUUID } from 'node:crypto';
import { activeMember, CHILD_REF_MAX, TITLE_MAX, type Actor, type Case, type CaseConversation, type Member } from '../domain/case';
import { DomainError } from '../domain/errors';
import { cleanText } from '../domain/text';
import type { CaseRepository } from '../persistence/caseRepository';
import { DuplicateKeyError } from '../persistence/caseRepository';
import { draft, versionKey } from '../audit/events';
import type { CaseAccess } from './access';

export interface NewCaseInput {
  title: unknown;
  childRef?: unknown;
}

export type Clock = () => Date;

export class CaseService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly access: CaseAccess,
    private readonly now: Clock = () => new Date(),
  ) {}

  async createCase(actor: Actor, conversation: CaseConversation, input: NewCaseInput): Promise<Case> {
    if (typeof input.title !== 'string' || input.title.trim() === '') throw new DomainError('error.titleRequired');
    const title = cleanText(input.title, 'field.title', TITLE_MAX);
    const childRef = cleanText(input.childRef, 'field.childRef', CHILD_REF_MAX, { required: false });

    const at = this.now();
    const kase: Case = {
      _id: randomUUID(),
      title,
      childRef,
      status: 'open',
      coordinatorId: actor.userId,
      members: [
        { userId: actor.userId, aadObjectId: actor.aadObjectId, name: actor.name, role: 'caseworker', status: 'active', addedBy: actor.userId, addedAt: at, consent: { state: 'not_needed' } },
      ],
      conversation,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const created = draft('case.created', { title, childRef, coordinatorId: actor.userId }, { key: versionKey('case', kase._id, 1), caseId: kase._id, at, actor });
    try {
      await this.cases.insert(kase, [created]);
    } catch (error) {
      // The conversation has a case (or two `new case` commands raced): the unique index on the
      // conversation lets one case through, so there is no need to look first.
      if (error instanceof DuplicateKeyError) {
        const winner = await this.cases.byConversation(conversation.conversationId);
        throw new DomainError('error.caseExists', { title: winner?.title ?? title }, 'conflict');
      }
      throw error;
    }
    return kase;
  }

  /**
   * A case without an actor: for the bot's delivery work (drawing cards for a room's readers,
   * routing a command to its case), never to show it to someone; that goes through `access`.
   */
  find(caseId: string): Promise<Case | null> {
    return this.cases.byId(caseId);
  }

  /** The case of a conversation, without an actor (see `find`). */
  ofConversation(conversationId: string): Promise<Case | null> {
    return this.cases.byConversation(conversationId);
  }

  /** A case for one of its active members, with the read recorded. */
  async view(actor: Actor, caseId: unknown): Promise<{ kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    await this.access.recordRead(actor, kase, 'case');
    return { kase, member };
  }

  /** Returns the case of a conversation for one of its active members, and records the read. */
  async openCaseOfConversation(actor: Actor, conversationId: string): Promise<Case> {
    const { kase } = await this.access.caseOfConversation(actor, conversationId, 'case.read');
    await this.access.recordRead(actor, kase, 'case');
    return kase;
  }

  /**
   * Closes a case for good. Only its coordinator may; the case becomes read-only (every write
   * checks that the status is 'open') and the closing is audited. The update is conditional on
   * `version`, so a change made at the same moment is not overwritten: we read again and retry.
   */
  async closeCase(actor: Actor, where: { conversationId: string } | { caseId: string }): Promise<Case> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const kase = 'caseId' in where ? await this.cases.byId(where.caseId) : await this.cases.byConversation(where.conversationId);
      if (!kase) throw new DomainError('caseId' in where ? 'error.caseNotFound' : 'error.noCase', {}, 'not_found');
      if (kase.status === 'closed' && activeMember(kase, actor)) throw new DomainError('close.alreadyClosed', { title: kase.title }, 'conflict');
      await this.access.check(actor, kase, 'case.close');
      const at = this.now();
      const closing = draft('case.closed', { title: kase.title }, { key: versionKey('case', kase._id, kase.version + 1), caseId: kase._id, at, actor });
      if (!(await this.cases.setStatus(kase, 'closed', at, [closing]))) continue;
      return { ...kase, status: 'closed', updatedAt: at, version: kase.version + 1 };
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

}
