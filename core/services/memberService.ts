import { activeGuardians, LEGAL_BASIS_MAX, memberOf, type Actor, type Case, type Member } from '../domain/case';
import { DomainError } from '../domain/errors';
import { USER_ID, UUID } from '../domain/ids';
import { isProfessional, parseRole, roleGroup, type Role } from '../domain/roles';
import { cleanText } from '../domain/text';
import type { CaseAction } from '../domain/policy';
import type { CaseRepository } from '../persistence/caseRepository';
import { CONSENT_EVENTS, draft, SAMSPIL_ACTOR, versionKey, type EventDataMap, type EventDraft } from '../audit/events';
import type { CaseAccess } from './access';
import type { Clock } from './caseService';

export interface NewMember {
  userId: unknown;
  aadObjectId?: unknown;
  name: unknown;
  role: unknown;
  legalBasis?: unknown;
}

export interface MemberChange {
  kase: Case;
  member: Member;
  /** Guardians who must answer a consent request for this member. */
  guardiansToAsk: Member[];
  /** False when the same change had already been made (a repeated click). */
  changed: boolean;
}

/** As long as Teams allows display names. */
const NAME_MAX = 256;
/** Teams lets a card name at most 60 users for per-person views; a case never needs more. */
export const MAX_MEMBERS = 60;
/** An Entra object ID is a UUID. */
const AAD_OBJECT_ID = UUID;

function userIdFrom(raw: unknown): string {
  if (typeof raw !== 'string' || !USER_ID.test(raw)) throw new DomainError('error.memberNotFound', {}, 'not_found');
  return raw;
}

/** Members, roles and the family's consent (Stafettloggen: the family decides who gets access). */
export class MemberService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly access: CaseAccess,
    private readonly now: Clock,
  ) {}

  /** The members of a case, for one of them; the read is logged as `part` (`members`, `tab.profiles` …). */
  async list(actor: Actor, caseId: unknown, part = 'members'): Promise<{ kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'member.list');
    await this.access.recordRead(actor, kase, part);
    return { kase, member };
  }

  async add(actor: Actor, caseId: unknown, input: NewMember): Promise<MemberChange> {
    const role = typeof input.role === 'string' ? parseRole(input.role) : undefined;
    if (!role) throw new DomainError('error.invalidRole');
    const userId = userIdFrom(input.userId);
    const name = cleanText(input.name, 'field.name', NAME_MAX);
    const legalBasisText = cleanText(input.legalBasis, 'field.legalBasis', LEGAL_BASIS_MAX, { required: false });
    const aadObjectId = typeof input.aadObjectId === 'string' && AAD_OBJECT_ID.test(input.aadObjectId) ? input.aadObjectId.toLowerCase() : undefined;

    return this.mutate(actor, caseId, 'member.add', (kase, at) => {
      const existing = memberOf(kase, { userId, aadObjectId });
      if (existing && (existing.status === 'active' || existing.status === 'pending')) {
        throw new DomainError('error.alreadyMember', { name: existing.name }, 'conflict');
      }
      if (kase.members.filter((m) => m.status === 'active' || m.status === 'pending').length >= MAX_MEMBERS) {
        throw new DomainError('error.caseFull', { max: MAX_MEMBERS }, 'conflict');
      }
      const guardians = activeGuardians(kase);
      const member: Member = { userId, aadObjectId, name, role, status: 'active', addedBy: actor.userId, addedAt: at, consent: { state: 'not_needed' } };
      if (needsConsent(role)) {
        if (guardians.length > 0) {
          member.status = 'pending';
          member.consent = { state: 'pending' };
        } else if (isProfessional(role) && legalBasisText) {
          member.legalBasis = { text: legalBasisText, by: actor.userId, at };
        } else {
          throw new DomainError(isProfessional(role) ? 'error.needsLegalBasis' : 'error.needsGuardianFirst');
        }
      }
      const members = [...kase.members.filter((m) => m !== existing), member];
      return {
        members,
        member,
        guardiansToAsk: member.status === 'pending' ? guardians : [],
        event: { type: 'member.added', data: { userId, name, role, status: member.status, legalBasis: member.legalBasis?.text } },
      };
    });
  }

  async remove(actor: Actor, caseId: unknown, rawUserId: unknown): Promise<MemberChange> {
    const userId = userIdFrom(rawUserId);
    return this.mutate(actor, caseId, 'member.remove', (kase) => {
      const target = findMember(kase, userId);
      if (target.userId === kase.coordinatorId) throw new DomainError('error.cannotRemoveCoordinator');
      if (target.status === 'removed') return { unchanged: target };
      return replaceMember(kase, target, { ...target, status: 'removed' }, { type: 'member.removed', data: { userId, name: target.name, role: target.role } });
    });
  }

  async decideConsent(actor: Actor, caseId: unknown, rawUserId: unknown, decision: 'approve' | 'decline', rawReason?: unknown): Promise<MemberChange> {
    const userId = userIdFrom(rawUserId);
    const reason = cleanText(rawReason, 'field.reason', 500, { required: false });
    return this.mutate(actor, caseId, 'consent.decide', (kase, at) => {
      const target = findMember(kase, userId);
      const wanted = decision === 'approve' ? 'approved' : 'declined';
      if (target.consent.state === wanted) return { unchanged: target };
      if (target.consent.state !== 'pending') throw new DomainError('error.consentAlreadyDecided', { name: target.name }, 'conflict');
      const updated: Member = {
        ...target,
        status: decision === 'approve' ? 'active' : 'declined',
        consent: { state: wanted, by: actor.userId, byName: actor.name, at, reason: reason || undefined },
      };
      return replaceMember(kase, target, updated, { type: CONSENT_EVENTS[wanted], data: { userId, name: target.name, role: target.role, reason: reason || undefined } });
    });
  }

  async withdrawConsent(actor: Actor, caseId: unknown, rawUserId: unknown, rawReason?: unknown): Promise<MemberChange> {
    const userId = userIdFrom(rawUserId);
    const reason = cleanText(rawReason, 'field.reason', 500, { required: false });
    return this.mutate(actor, caseId, 'consent.withdraw', (kase, at) => {
      const target = findMember(kase, userId);
      if (target.consent.state === 'withdrawn') return { unchanged: target };
      if (target.consent.state !== 'approved' && target.consent.state !== 'pending') throw new DomainError('error.noConsentToWithdraw', { name: target.name });
      const updated: Member = { ...target, status: 'removed', consent: { state: 'withdrawn', by: actor.userId, byName: actor.name, at, reason: reason || undefined } };
      return replaceMember(kase, target, updated, { type: 'member.consent.withdrawn', data: { userId, name: target.name, role: target.role, reason: reason || undefined } });
    });
  }

  /**
   * Stores the Entra object IDs Teams gave us for members stored without one (a roster read, a
   * member's own message), so that the tab and private channels recognise them. Never replaces one.
   */
  async linkIdentities(caseId: string, identities: Array<{ userId: string; aadObjectId?: string }>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const kase = await this.cases.byId(caseId);
      if (!kase) return;
      const found = new Map(identities.filter((i) => i.aadObjectId && AAD_OBJECT_ID.test(i.aadObjectId)).map((i) => [i.userId, i.aadObjectId!.toLowerCase()]));
      const taken = new Set(kase.members.map((m) => m.aadObjectId?.toLowerCase()).filter(Boolean));
      let changed = false;
      const members = kase.members.map((m) => {
        const id = m.aadObjectId ? undefined : found.get(m.userId);
        if (!id || taken.has(id)) return m;
        changed = true;
        return { ...m, aadObjectId: id };
      });
      if (!changed) return;
      const at = this.now();
      const linked = members.filter((m, i) => m !== kase.members[i]);
      // The audit trail keeps who was linked; the timeline leaves this bookkeeping out.
      const event = draft('member.linked', { userIds: linked.map((m) => m.userId) }, { key: versionKey('case', kase._id, kase.version + 1), caseId, at, actor: SAMSPIL_ACTOR, visibility: 'professionals' });
      if (await this.cases.replaceMembers(kase, members, at, [event])) return;
    }
  }

  /**
   * Read, check, change, and write back only if nobody else wrote in between; on a lost race
   * the whole step runs again on fresh data, so concurrent clicks cannot overwrite each other.
   */
  private async mutate(actor: Actor, caseId: unknown, action: CaseAction, change: (kase: Case, at: Date) => ChangeResult): Promise<MemberChange> {
    // Many people may be changed at once (a coordinator adding a class): a lost race is retried
    // on fresh data, with a little jitter, well before anyone is told the case was busy.
    for (let attempt = 0; attempt < MUTATE_ATTEMPTS; attempt++) {
      const { kase } = await this.access.caseFor(actor, caseId, action);
      const at = this.now();
      const result = change(kase, at);
      if ('unchanged' in result) return { kase, member: result.unchanged, guardiansToAsk: [], changed: false };
      const event = { ...result.event, key: versionKey('case', kase._id, kase.version + 1), caseId: kase._id, at, actorId: actor.userId, actorName: actor.name, visibility: 'all' } as EventDraft;
      if (await this.cases.replaceMembers(kase, result.members, at, [event])) {
        return { kase: { ...kase, members: result.members, updatedAt: at, version: kase.version + 1 }, member: result.member, guardiansToAsk: result.guardiansToAsk, changed: true };
      }
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (attempt + 1))));
    }
    throw new DomainError('error.busy', {}, 'conflict');
  }
}

const MUTATE_ATTEMPTS = 60;

type MemberEventType = 'member.added' | 'member.removed' | 'member.consent.approved' | 'member.consent.declined' | 'member.consent.withdrawn';
type MemberEvent = { [K in MemberEventType]: { type: K; data: EventDataMap[K] } }[MemberEventType];

type ChangeResult = { unchanged: Member } | { members: Member[]; member: Member; guardiansToAsk: Member[]; event: MemberEvent };

/** Family members decide; everyone else needs their yes (or a stated legal basis before a guardian joins). */
const needsConsent = (role: Role): boolean => roleGroup(role) !== 'family';

function findMember(kase: Case, userId: string): Member {
  const member = kase.members.find((m) => m.userId === userId);
  if (!member) throw new DomainError('error.memberNotFound', {}, 'not_found');
  return member;
}

function replaceMember(kase: Case, target: Member, updated: Member, event: MemberEvent): ChangeResult {
  return { members: kase.members.map((m) => (m === target ? updated : m)), member: updated, guardiansToAsk: [], event };
}
