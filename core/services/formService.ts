import { createHash, randomUUID } from 'node:crypto';
import type { Agreement } from '../domain/agreement';
import type { Actor, Case, Member } from '../domain/case';
import type { Observation } from '../domain/observation';
import { DomainError } from '../domain/errors';
import { UUID } from '../domain/ids';
import type { FormKind, FormRecord, FormRepository } from '../persistence/formRepository';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';

const OPEN_ACTION = { observation: 'observation.create', agreement: 'agreement.propose', meeting: 'meeting.schedule' } as const;

/** A form ID makes a submit idempotent; it must look like one we issued. */
export function formIdFrom(raw: unknown): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw new DomainError('error.invalidAction');
  return raw;
}

/**
 * The ID of the document a person's form submit creates. It depends on who submits as well as
 * on the form, so a form ID that reaches someone else (a shared card, a replay) can never return
 * or overwrite another person's document. Shaped as a UUID (version 8: derived, not random).
 */
export function documentIdFor(requesterId: string, formId: string): string {
  const hex = createHash('sha256').update(`${requesterId}\u0000${formId}`).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Forms handed out as cards: each belongs to the person who asked for it (domain.md). */
export class FormService {
  constructor(
    private readonly forms: FormRepository,
    private readonly access: CaseAccess,
    private readonly now: Clock,
    /** The document a submit created, per kind of form. */
    private readonly documents: { observation: (id: string) => Promise<Observation | null>; agreement: (id: string) => Promise<Agreement | null>; meeting?: (id: string) => Promise<unknown> },
  ) {}

  /** Whether the form's requester has submitted it. */
  async isSubmitted(form: FormRecord): Promise<boolean> {
    const find = this.documents[form.kind];
    return !!find && ((await find(documentIdFor(form.requesterId, form._id))) ?? null) !== null;
  }

  /**
   * A form opened again by its requester: the form, and what its submit created if it was
   * submitted (then the requester sees that instead of an empty form).
   */
  async reopen(actor: Actor, caseId: unknown, rawFormId: unknown): Promise<{ kase: Case; member: Member; form: FormRecord; observation: Observation | null; agreement: Agreement | null }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'case.read');
    const form = await this.ownForm(member, kase, rawFormId);
    const documentId = documentIdFor(member.userId, form._id);
    const observation = form.kind === 'observation' ? await this.documents.observation(documentId) : null;
    const agreement = form.kind === 'agreement' ? await this.documents.agreement(documentId) : null;
    return { kase, member, form, observation, agreement };
  }

  /** Hands a form to a member who may use it. */
  async open(actor: Actor, caseId: unknown, kind: FormKind, prefill?: Record<string, string>): Promise<{ form: FormRecord; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, OPEN_ACTION[kind]);
    const form: FormRecord = { _id: randomUUID(), kind, caseId: kase._id, requesterId: member.userId, requesterName: member.name, createdAt: this.now(), ...(prefill && Object.keys(prefill).length ? { prefill } : {}) };
    await this.forms.insert(form);
    return { form, kase, member };
  }

  /** A form as stored, for showing it again to its requester; refused to anyone else. */
  async ownForm(member: Member, kase: Case, rawFormId: unknown): Promise<FormRecord> {
    const form = await this.forms.get(formIdFrom(rawFormId));
    if (!form || form.caseId !== kase._id) throw new DomainError('error.formNotFound', {}, 'not_found');
    if (form.requesterId !== member.userId) throw new DomainError('error.formNotYours', { name: form.requesterName }, 'forbidden');
    return form;
  }

  /** Any stored form with this ID, or null: what a shared form card says to people other than its requester. */
  find(rawFormId: unknown): Promise<FormRecord | null> {
    return typeof rawFormId === 'string' && UUID.test(rawFormId) ? this.forms.get(rawFormId) : Promise.resolve(null);
  }

  /**
   * Checks a submit: a form we handed out must be submitted by its requester, in its case. A form
   * ID we did not hand out (the tab makes its own) is accepted; either way the document's ID is
   * derived from the submitter and the form.
   */
  async submitted(member: Member, kase: Case, rawFormId: unknown, kind: FormKind, { mustExist = false } = {}): Promise<{ formId: string; documentId: string }> {
    const formId = formIdFrom(rawFormId);
    const form = await this.forms.get(formId);
    if (form) {
      if (form.kind !== kind || form.caseId !== kase._id) throw new DomainError('error.formNotFound', {}, 'not_found');
      if (form.requesterId !== member.userId) throw new DomainError('error.formNotYours', { name: form.requesterName }, 'forbidden');
    } else if (mustExist) {
      throw new DomainError('error.formNotFound', {}, 'not_found');
    }
    return { formId, documentId: documentIdFor(member.userId, formId) };
  }
}
