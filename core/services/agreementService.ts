import { activeMember, type Actor, type Case, type Member } from '../domain/case';
import { AGREEMENT_TEXT_MAX, AGREEMENT_TRANSITIONS, DECLINE_REASON_MAX, OPEN_STATUSES, type Agreement } from '../domain/agreement';
import { calendarDate, copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import { AGREEMENT_STEP_ACTION, type AgreementStep } from '../domain/policy';
import { cleanText } from '../domain/text';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { CaseRepository } from '../persistence/caseRepository';
import { AGREEMENT_STEP_EVENTS, draft, versionKey } from '../audit/events';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';
import type { FormService } from './formService';
import { UUID } from '../domain/ids';

export interface ProposalInput {
  formId: unknown;
  what: unknown;
  ownerId: unknown;
  dueDate: unknown;
  followUpDate: unknown;
}

export type AgreementTarget = AgreementStep;

const AGREEMENT_ID = UUID;

/** Agreements (aftaler): proposed by a professional or the family, worked on only after the family's yes. */
export class AgreementService {
  constructor(
    private readonly agreements: AgreementRepository,
    private readonly cases: CaseRepository,
    private readonly access: CaseAccess,
    private readonly forms: FormService,
    private readonly now: Clock,
  ) {}

  today(): string {
    return copenhagenDate(this.now());
  }

  async propose(actor: Actor, caseId: unknown, input: ProposalInput): Promise<{ agreement: Agreement; kase: Case; member: Member; created: boolean }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'agreement.propose');
    const what = cleanText(input.what, 'field.what', AGREEMENT_TEXT_MAX);
    const owner = typeof input.ownerId === 'string' ? activeMember(kase, { userId: input.ownerId }) : undefined;
    if (!owner) throw new DomainError('error.ownerNotMember');
    const dueDate = calendarDate(input.dueDate, 'field.dueDate');
    const followUpDate = calendarDate(input.followUpDate, 'field.followUpDate');
    const today = this.today();
    if (dueDate < today) throw new DomainError('error.dateInPast', { field: 'field.dueDate' });
    if (followUpDate < dueDate) throw new DomainError('error.followUpBeforeDue');
    // Only the person a form was handed to can submit it; their document's ID derives from both.
    const { documentId } = await this.forms.submitted(member, kase, input.formId, 'agreement');

    // A repeated submit is not looked for first: the insert of the same document ID is refused, and
    // then the stored one is read.
    const at = this.now();
    const agreement: Agreement = {
      _id: documentId,
      caseId: kase._id,
      what,
      ownerId: owner.userId,
      ownerName: owner.name,
      dueDate,
      followUpDate,
      status: 'proposed',
      proposedBy: member.userId,
      proposedByName: member.name,
      createdAt: at,
      updatedAt: at,
      history: [],
      version: 1,
    };
    const proposed = draft('agreement.proposed', { agreementId: agreement._id, what, ownerId: owner.userId, ownerName: owner.name, dueDate, followUpDate }, { key: versionKey('agreement', agreement._id, 1), caseId: kase._id, at, actor: member });
    if (!(await this.agreements.insertOnce(agreement, [proposed]))) return this.repeat(await this.agreements.byId(documentId), kase, member);
    return { agreement, kase, member, created: true };
  }

  /**
   * One step in the lifecycle, checked against domain.md and recorded with who, when and why.
   * Repeating a step that already happened (a double click) changes nothing and is not an error.
   */
  async transition(actor: Actor, caseId: unknown, agreementId: unknown, to: AgreementTarget, options: { reason?: unknown } = {}): Promise<{ agreement: Agreement; kase: Case; member: Member; changed: boolean }> {
    if (!(to in AGREEMENT_STEP_ACTION)) throw new DomainError('error.invalidAction');
    const { kase, member } = await this.access.caseFor(actor, caseId, AGREEMENT_STEP_ACTION[to]);
    const reason = cleanText(options.reason, 'field.reason', DECLINE_REASON_MAX, { required: to === 'declined' });

    for (let attempt = 0; attempt < 3; attempt++) {
      const agreement = await this.agreementOf(kase, agreementId);
      if (agreement.status === to) return { agreement, kase, member, changed: false };
      if (to === 'done' && agreement.ownerId !== member.userId) {
        await this.access.refuse(actor, kase, 'agreement.done', 'not_owner');
        throw new DomainError('error.onlyOwner', {}, 'forbidden');
      }
      if (!AGREEMENT_TRANSITIONS[agreement.status].includes(to)) {
        throw new DomainError('error.invalidTransition', { from: `agreement.status.${agreement.status}`, to: `agreement.status.${to}` }, 'conflict');
      }
      const step = { from: agreement.status, to, by: member.userId, byName: member.name, at: this.now(), reason: reason || undefined };
      const event = draft(AGREEMENT_STEP_EVENTS[to], { agreementId: agreement._id, what: agreement.what, from: step.from, to, reason: step.reason }, { key: versionKey('agreement', agreement._id, agreement.version + 1), caseId: kase._id, at: step.at, actor: member });
      if (!(await this.agreements.transition(agreement, step, [event]))) continue;
      return { agreement: { ...agreement, status: to, updatedAt: step.at, history: [...agreement.history, step], version: agreement.version + 1 }, kase, member, changed: true };
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }

  async get(actor: Actor, caseId: unknown, agreementId: unknown): Promise<{ agreement: Agreement; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'agreement.read');
    return { agreement: await this.agreementOf(kase, agreementId), kase, member };
  }

  /** An agreement by ID without an actor: for drawing a posted card again for its room's readers. */
  find(agreementId: string): Promise<Agreement | null> {
    return this.agreements.byId(agreementId);
  }

  async listForCase(actor: Actor, caseId: unknown): Promise<{ agreements: Agreement[]; kase: Case }> {
    const { kase } = await this.access.caseFor(actor, caseId, 'agreement.read');
    const [agreements] = await Promise.all([this.agreements.forCase(kase._id), this.access.recordRead(actor, kase, 'agreements')]);
    return { agreements, kase };
  }

  /** The sender's own open agreements across every case they are still an active member of. */
  async listOwnedBy(actor: Actor): Promise<Array<{ agreement: Agreement; caseTitle: string }>> {
    const owned = await this.agreements.ownedBy(actor.userId, [...OPEN_STATUSES]);
    const caseIds = [...new Set(owned.map((a) => a.caseId))];
    const cases = new Map<string, Case>();
    for (const id of caseIds) {
      const kase = await this.cases.byId(id);
      if (kase && activeMember(kase, actor)) cases.set(id, kase);
    }
    return owned.flatMap((agreement) => {
      const kase = cases.get(agreement.caseId);
      return kase ? [{ agreement, caseTitle: kase.title }] : [];
    });
  }

  private async agreementOf(kase: Case, raw: unknown): Promise<Agreement> {
    const agreement = typeof raw === 'string' && AGREEMENT_ID.test(raw) ? await this.agreements.byId(raw) : null;
    if (!agreement || agreement.caseId !== kase._id) throw new DomainError('error.agreementNotFound', {}, 'not_found');
    return agreement;
  }

  /** A repeated submit returns the submitter's own proposal, never anyone else's. */
  private repeat(existing: Agreement | null, kase: Case, member: Member): { agreement: Agreement; kase: Case; member: Member; created: boolean } {
    if (!existing || existing.caseId !== kase._id || existing.proposedBy !== member.userId) throw new DomainError('error.formNotFound', {}, 'not_found');
    return { agreement: existing, kase, member, created: false };
  }
}
