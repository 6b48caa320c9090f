import type { Actor, Case, Member } from '../domain/case';
import { UUID } from '../domain/ids';
import { DomainError } from '../domain/errors';
import { OBSERVATION_TEXT_MAX, type Observation } from '../domain/observation';
import { seesProfessionalOnly } from '../domain/policy';
import { ICS_AREA_KEYS, SOS_COLUMNS, WELLBEING_LEVELS, type IcsArea, type SosColumn, type WellbeingLevel } from '../domain/scales';
import { cleanText } from '../domain/text';
import { draft } from '../audit/events';
import type { ObservationRepository } from '../persistence/observationRepository';
import type { CaseAccess } from './access';
import type { FormService } from './formService';
import type { Clock } from './caseService';

export interface ObservationInput {
  formId: unknown;
  area: unknown;
  level: unknown;
  sosColumn?: unknown;
  text: unknown;
  professionalsOnly?: unknown;
}

export function oneOf<T extends string>(raw: unknown, allowed: readonly T[], field: 'field.area' | 'field.level' | 'field.sosColumn'): T {
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) throw new DomainError('error.invalidChoice', { field });
  return raw as T;
}

/** Input.Toggle sends 'true'/'false'; anything else is not a toggle value. */
function toggle(raw: unknown): boolean {
  if (raw === undefined || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  throw new DomainError('error.invalidAction');
}

export class ObservationService {
  constructor(
    private readonly observations: ObservationRepository,
    private readonly access: CaseAccess,
    private readonly forms: FormService,
    private readonly now: Clock,
  ) {}

  /** Returns the stored observation, and whether this call created it (false for a repeat submit). */
  async create(actor: Actor, caseId: unknown, input: ObservationInput): Promise<{ observation: Observation; kase: Case; created: boolean }> {
    const professionalsOnly = toggle(input.professionalsOnly);
    const { kase, member } = await this.access.caseFor(actor, caseId, professionalsOnly ? 'observation.createProfessionalOnly' : 'observation.create');
    const area = oneOf<IcsArea>(input.area, ICS_AREA_KEYS, 'field.area');
    const level = oneOf<WellbeingLevel>(input.level, WELLBEING_LEVELS, 'field.level');
    const sosColumn = input.sosColumn === undefined || input.sosColumn === '' ? undefined : oneOf<SosColumn>(input.sosColumn, SOS_COLUMNS, 'field.sosColumn');
    const text = cleanText(input.text, 'field.observationText', OBSERVATION_TEXT_MAX);
    // Only the person a form was handed to can submit it; their document's ID derives from both.
    const { documentId } = await this.forms.submitted(member, kase, input.formId, 'observation', { mustExist: true });

    // A repeated submit (a double click, a redelivery) is not looked for first: the insert of the
    // same document ID is refused, and then the stored one is read.
    const observation: Observation = {
      _id: documentId,
      caseId: kase._id,
      authorId: member.userId,
      authorName: member.name,
      authorRole: member.role,
      area,
      level,
      sosColumn,
      text,
      visibility: professionalsOnly ? 'professionals' : 'all',
      createdAt: this.now(),
    };
    const created = draft('observation.created', { observationId: observation._id, area, level, sosColumn, text }, { key: `observation:${observation._id}`, caseId: kase._id, at: observation.createdAt, actor: member, visibility: observation.visibility });
    if (!(await this.observations.insertOnce(observation, [created]))) {
      const winner = await this.observations.byId(documentId);
      if (!winner) throw new DomainError('error.busy', {}, 'conflict');
      return { observation: this.ownRepeat(winner, kase._id, member.userId), kase, created: false };
    }
    return { observation, kase, created: true };
  }

  /** A repeated submit returns the submitter's own observation, never anyone else's. */
  private ownRepeat(existing: Observation, caseId: string, userId: string): Observation {
    if (existing.caseId !== caseId || existing.authorId !== userId) throw new DomainError('error.formNotFound', {}, 'not_found');
    return existing;
  }

  /** One observation, for a member allowed to see it (professionals-only ones for professionals). */
  async get(actor: Actor, caseId: unknown, rawId: unknown): Promise<{ observation: Observation; kase: Case; member: Member }> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'observation.read');
    const observation = typeof rawId === 'string' && UUID.test(rawId) ? await this.observations.byId(rawId) : null;
    if (!observation || observation.caseId !== kase._id) throw new DomainError('error.observationNotFound', {}, 'not_found');
    return { observation, kase, member };
  }

  /** An observation by ID without an actor: for drawing a posted card again for its room's readers. */
  find(observationId: string): Promise<Observation | null> {
    return this.observations.byId(observationId);
  }

  async list(actor: Actor, caseId: unknown, filter: { area?: unknown; level?: unknown; since?: Date; limit?: number } = {}): Promise<Observation[]> {
    const { kase, member } = await this.access.caseFor(actor, caseId, 'observation.read');
    const area = filter.area ? oneOf<IcsArea>(filter.area, ICS_AREA_KEYS, 'field.area') : undefined;
    const level = filter.level ? oneOf<WellbeingLevel>(filter.level, WELLBEING_LEVELS, 'field.level') : undefined;
    return this.observations.forCase(kase._id, { familyVisibleOnly: !seesProfessionalOnly(member), area, level, since: filter.since, limit: filter.limit });
  }
}
