import { memberOf, type Actor, type Case, type Member } from '../domain/case';
import { DomainError } from '../domain/errors';
import { UUID } from '../domain/ids';
import { decide, type CaseAction } from '../domain/policy';
import type { MessageKey } from '../i18n';
import type { CaseRepository } from '../persistence/caseRepository';
import type { AccessLog, Surface } from '../audit/accessLog';
import type { Clock } from './caseService';

const ROLE_REFUSAL: Partial<Record<CaseAction, MessageKey>> = {
  'case.close': 'error.onlyCoordinator',
  'member.add': 'error.onlyCoordinator',
  'member.remove': 'error.onlyCoordinator',
  'assessment.open': 'error.onlyCoordinator',
  'assessment.close': 'error.onlyCoordinator',
  'agreement.cancel': 'error.onlyCoordinator',
  'consent.decide': 'error.onlyGuardian',
  'consent.withdraw': 'error.onlyGuardian',
  'agreement.accept': 'error.onlyGuardian',
  'agreement.decline': 'error.onlyGuardian',
  'observation.createProfessionalOnly': 'error.onlyProfessionals',
  'person.export': 'error.gdprOnlyCoordinator',
  'meeting.schedule': 'error.onlyCoordinator',
  'meeting.manage': 'error.onlyCoordinator',
  'earlyWarning.decide': 'error.onlyCoordinator',
  'earlyWarning.read': 'error.onlyProfessionals',
  'coordinator.handover': 'error.onlyCoordinator',
  'coordinator.summary': 'error.onlyCoordinator',
  'coordinator.answer': 'handover.error.onlyProfessionals',
  'coordinator.takeOver': 'handover.error.onlyProfessionals',
  'childVoice.record': 'childVoice.error.notAllowed',
  'childVoice.read': 'childVoice.error.notAllowedToRead',
  'childVoice.settings': 'error.onlyCoordinator',
  'childVoice.youthConsent': 'childVoice.error.onlyYoungPerson',
};

/** A case ID from a card or URL is untrusted: it must be a plain string of sane length. */
export function caseIdFrom(raw: unknown): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw new DomainError('error.caseNotFound', {}, 'not_found');
  return raw;
}

/**
 * The one gate for every command, card action and tab call: the actor must be an active
 * member, the role must allow the action, and a write needs an open case. A refusal is
 * audited and changes nothing.
 */
export class CaseAccess {
  constructor(
    private readonly cases: CaseRepository,
    private readonly accessLog: AccessLog,
    private readonly now: Clock,
  ) {}

  async caseFor(actor: Actor, caseId: unknown, action: CaseAction): Promise<{ kase: Case; member: Member }> {
    const kase = await this.cases.byId(caseIdFrom(caseId));
    if (!kase) throw new DomainError('error.caseNotFound', {}, 'not_found');
    return this.check(actor, kase, action);
  }

  async caseOfConversation(actor: Actor, conversationId: string, action: CaseAction): Promise<{ kase: Case; member: Member }> {
    const kase = await this.cases.byConversation(conversationId);
    if (!kase) throw new DomainError('error.noCase', {}, 'not_found');
    return this.check(actor, kase, action);
  }

  async check(actor: Actor, kase: Case, action: CaseAction): Promise<{ kase: Case; member: Member }> {
    const decision = decide(kase, actor, action);
    if (decision.allowed) return { kase, member: decision.member };
    await this.refuse(actor, kase, action, decision.reason);
    if (decision.reason === 'not_member') throw new DomainError('error.notMember', {}, 'forbidden');
    if (decision.reason === 'closed') throw new DomainError('error.caseClosed', {}, 'forbidden');
    throw new DomainError(ROLE_REFUSAL[action] ?? 'error.roleNotAllowed', {}, 'forbidden');
  }

  /**
   * Every read of case data by a person is kept in the access log (domain.md): who, which part,
   * when and through which surface. The tab's parts are named `tab.…`; the rest is the bot.
   */
  async recordRead(actor: Actor, kase: Case, what: string, surface: Surface = what.startsWith('tab.') ? 'tab' : 'bot'): Promise<void> {
    // A member is logged under their case identity, however they came (bot or tab).
    const member = memberOf(kase, actor);
    await this.accessLog.record(kase._id, { at: this.now(), actorId: member?.userId ?? actor.userId, actorName: member?.name ?? actor.name, action: 'read', part: what, surface });
  }

  /** Records a refused attempt in the access log. */
  async refuse(actor: Actor, kase: Case, action: string, reason: string): Promise<void> {
    // The tab knows people by their Entra object ID only (`aad:<oid>`), the bot by their Teams ID.
    const surface: Surface = actor.userId.startsWith('aad:') ? 'tab' : 'bot';
    await this.accessLog.record(kase._id, { at: this.now(), actorId: actor.userId, actorName: actor.name, action: 'refused', part: action, reason, surface });
  }
}
