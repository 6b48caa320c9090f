import { createHash } from 'node:crypto';
import type {
  Bundle,
  BundleEntry,
  CarePlan,
  CareTeam,
  CareTeamParticipant,
  CodeableConcept,
  Coding,
  Consent,
  Observation as FhirObservation,
  Patient,
  Practitioner,
  Provenance,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Reference,
  RelatedPerson,
  Resource,
  Task,
} from '@medplum/fhirtypes';
import { isOverdue, type Agreement, type AgreementStatus } from '../domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../domain/assessment';
import type { Case, ConsentState } from '../domain/case';
import { maskCpr } from '../domain/cpr';
import { copenhagenDate } from '../domain/dates';
import type { Observation } from '../domain/observation';
import { isProfessional, type Role } from '../domain/roles';
import { ASSESSMENT_AREAS } from '../domain/scales';
import { t } from '../i18n';
import {
  AGREEMENT_OVERDUE_CODE,
  COMMENT_LINK_ID,
  COORDINATOR_CODE,
  HL7,
  IDENTIFIER_SYSTEM,
  QUESTIONNAIRE_URL,
  TERMINOLOGY_VERSION,
  accessBasisCoding,
  agreementStatusCoding,
  codeSystems,
  conceptCoding,
  icsAreaCoding,
  icsSideCoding,
  roleCoding,
  scopeCoding,
  sosCoding,
  topiCoding,
  visibilityCoding,
  wellbeingQuestionnaire,
  type AgreementDisplayStatus,
  type ExportScope,
} from './fhirTerminology';

/**
 * A Samspil case as an HL7 FHIR R4 Bundle (docs/fhir.md has the mapping and an example). Pure: it
 * takes the case's data as plain values and returns plain JSON, so that it can be tested alone.
 */

/** A closed assessment round with its answers (answers of open rounds are private and never exported). */
export interface ClosedRound {
  round: AssessmentRound;
  answers: readonly AssessmentAnswer[];
}

export interface FhirExportInput {
  kase: Case;
  agreements: readonly Agreement[];
  /** All of the case's observations; the exporter leaves out what the scope does not allow. */
  observations: readonly Observation[];
  rounds: readonly ClosedRound[];
}

export interface FhirExportOptions {
  /**
   * The receiving party is a professional: observations marked "professionals only" and the comments
   * in assessment answers are included. Otherwise the bundle holds only what the family can also see.
   */
  professional: boolean;
  /** When the export is made: Bundle.timestamp, and the day "overdue" is judged on (in Copenhagen). */
  at: Date;
}

/** Our agreement statuses as FHIR Task.status. "overdue" is not a status: see Task.businessStatus. */
export const AGREEMENT_TASK_STATUS: Readonly<Record<AgreementStatus, Task['status']>> = {
  proposed: 'requested',
  accepted: 'in-progress',
  declined: 'rejected',
  done: 'completed',
  cancelled: 'cancelled',
};

/** A member's consent record as FHIR Consent.status. `not_needed` makes no Consent. */
export const CONSENT_STATUS: Readonly<Record<Exclude<ConsentState, 'not_needed'>, Consent['status']>> = {
  pending: 'proposed',
  approved: 'active',
  declined: 'rejected',
  withdrawn: 'inactive',
};

export const scopeOf = (professional: boolean): ExportScope => (professional ? 'professional' : 'family-visible');

/** A stable UUID (RFC 9562 version 8, from SHA-256) for a resource: the same case exports the same IDs. */
export function stableUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Free text leaves Samspil only with anything that looks like a CPR number masked (it was refused on the way in, too). */
const text = (value: string): string => maskCpr(value);
const iso = (at: Date): string => at.toISOString();
const byTimeThenId = <T extends { _id: string }>(time: (item: T) => Date) => (a: T, b: T): number => time(a).getTime() - time(b).getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

type Person = Practitioner | RelatedPerson;
type PersonRef = Reference<Patient | Practitioner | RelatedPerson>;

class BundleBuilder {
  readonly entries: BundleEntry[] = [];

  constructor(private readonly caseId: string) {}

  id(kind: string, key: string): string {
    return stableUuid('samspil-fhir', this.caseId, kind, key);
  }

  /** Case data is addressed as `urn:uuid:<id>`; code systems and the questionnaire by their canonical URL. */
  add<T extends Resource & { id: string }>(resource: T, fullUrl = `urn:uuid:${resource.id}`): Reference<T> {
    this.entries.push({ fullUrl, resource: compact(resource) });
    return { reference: fullUrl };
  }
}

/** Drops undefined values, empty strings, empty arrays and empty objects: FHIR allows none of them. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(compact).filter((item) => !isEmpty(item)) as T;
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const cleaned = compact(item);
      if (!isEmpty(cleaned)) out[key] = cleaned;
    }
    return out as T;
  }
  return value;
}

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);

const concept = (...codings: Coding[]): CodeableConcept => ({ coding: codings });

export function caseToFhirBundle(input: FhirExportInput, options: FhirExportOptions): Bundle {
  const { kase } = input;
  const b = new BundleBuilder(kase._id);
  const scope = scopeOf(options.professional);
  const today = copenhagenDate(options.at);

  // The child: pseudonymous. Initials only, as Samspil stores them; no birth date (none is stored), never a CPR number.
  const patient: Patient & { id: string } = {
    resourceType: 'Patient',
    id: b.id('Patient', 'child'),
    active: kase.status === 'open',
    name: [{ use: 'anonymous', text: text(kase.childRef) }],
  };
  const patientRef: Reference<Patient> = { ...b.add(patient), display: text(kase.childRef) };

  // People: each member once, whatever their status now; the child as a member is the Patient (no name).
  const people = new Map<string, PersonRef>();
  const personEntries: Array<Person & { id: string }> = [];
  const addPerson = (userId: string, name: string, role: Role, active?: boolean): PersonRef => {
    const known = people.get(userId);
    if (known) return known;
    if (role === 'child') {
      people.set(userId, patientRef);
      return patientRef;
    }
    const id = b.id('Person', userId);
    const person: Person & { id: string } = isProfessional(role)
      ? { resourceType: 'Practitioner', id, active, name: [{ text: text(name) }], qualification: [{ code: concept(roleCoding(role)) }] }
      : {
          resourceType: 'RelatedPerson',
          id,
          active,
          patient: { reference: patientRef.reference },
          relationship: [role === 'parent' ? concept(HL7.guardian, roleCoding(role)) : concept(roleCoding(role))],
          name: [{ text: text(name) }],
        };
    personEntries.push(person);
    const ref: PersonRef = { reference: `urn:uuid:${id}`, display: text(name) };
    people.set(userId, ref);
    return ref;
  };
  for (const m of kase.members) addPerson(m.userId, m.name, m.role, m.status === 'active');
  /** Someone named in the data but not (or no longer) a member: referred to by name only. */
  const personRef = (userId: string, name: string): PersonRef => people.get(userId) ?? { display: text(name) || t('da', 'export.unknownPerson') };

  const visibleObservations = input.observations.filter((o) => options.professional || o.visibility === 'all').sort(byTimeThenId((o) => o.createdAt));
  for (const o of visibleObservations) addPerson(o.authorId, o.authorName, o.authorRole);
  const rounds = input.rounds.filter((r) => r.round.status === 'closed').sort((x, y) => x.round.number - y.round.number);
  for (const { answers } of rounds) for (const a of answers) addPerson(a.userId, a.name, a.role);
  for (const person of personEntries) b.add(person);

  // The care team: the active professionals and the coordinator, with their roles in our code system.
  const coordinator = kase.members.find((m) => m.userId === kase.coordinatorId);
  const teamMembers = kase.members.filter((m) => m.userId === kase.coordinatorId || (m.status === 'active' && isProfessional(m.role)));
  const participant: CareTeamParticipant[] = teamMembers.map((m) => ({
    role: [concept(roleCoding(m.role)), ...(m.userId === kase.coordinatorId ? [concept(roleCoding(COORDINATOR_CODE))] : [])],
    member: personRef(m.userId, m.name),
    period: { start: iso(m.addedAt) },
  }));
  const careTeam: CareTeam & { id: string } = {
    resourceType: 'CareTeam',
    id: b.id('CareTeam', 'team'),
    identifier: [{ system: IDENTIFIER_SYSTEM.case, value: kase._id }],
    status: kase.status === 'open' ? 'active' : 'inactive',
    name: text(kase.title),
    subject: patientRef,
    period: { start: iso(kase.createdAt) },
    participant,
  };
  const careTeamRef = b.add(careTeam);

  // Consent: each member's consent record, and each legal basis stated instead of consent.
  const provenances: Array<Provenance & { id: string }> = [];
  const provenance = (key: string, target: Reference, recorded: Date, agent: { who: PersonRef; type: Coding }, extra: Partial<Provenance> = {}) =>
    provenances.push({ resourceType: 'Provenance', id: b.id('Provenance', key), target: [target], recorded: iso(recorded), agent: [{ type: concept(agent.type), who: agent.who }], ...extra });
  for (const m of kase.members) {
    const subject = personRef(m.userId, m.name);
    if (m.consent.state !== 'not_needed') {
      const decided = m.consent.state !== 'pending' && m.consent.by;
      const consent: Consent & { id: string } = {
        resourceType: 'Consent',
        id: b.id('Consent', `consent|${m.userId}`),
        status: CONSENT_STATUS[m.consent.state],
        scope: concept(HL7.privacyConsent),
        category: [concept(HL7.patientConsent), concept(accessBasisCoding('guardian-consent'))],
        patient: patientRef,
        dateTime: iso(m.consent.at ?? m.addedAt),
        performer: decided ? [personRef(m.consent.by!, m.consent.byName ?? '')] : undefined,
        policyRule: concept(accessBasisCoding('guardian-consent'), HL7.optIn),
        provision: { type: 'permit', actor: [{ role: concept(HL7.informationRecipient), reference: subject }] },
      };
      const ref = b.add(consent);
      if (decided && m.consent.at) {
        provenance(`consent|${m.userId}`, ref, m.consent.at, { who: personRef(m.consent.by!, m.consent.byName ?? ''), type: HL7.performer }, m.consent.reason ? { reason: [{ text: text(m.consent.reason) }] } : {});
      }
    }
    if (m.legalBasis) {
      const stated = personRef(m.legalBasis.by, '');
      const consent: Consent & { id: string } = {
        resourceType: 'Consent',
        id: b.id('Consent', `legal-basis|${m.userId}`),
        status: m.status === 'active' ? 'active' : 'inactive',
        scope: concept(HL7.privacyConsent),
        category: [concept(accessBasisCoding('legal-basis'))],
        patient: patientRef,
        dateTime: iso(m.legalBasis.at),
        performer: [stated],
        policyRule: { ...concept(accessBasisCoding('legal-basis')), text: text(m.legalBasis.text) },
        provision: { type: 'permit', actor: [{ role: concept(HL7.informationRecipient), reference: subject }] },
      };
      const ref = b.add(consent);
      provenance(`legal-basis|${m.userId}`, ref, m.legalBasis.at, { who: stated, type: HL7.author }, { activity: concept(HL7.create) });
    }
  }

  // Agreements: one CarePlan for the case, each agreement a Task under it.
  const agreements = input.agreements.slice().sort(byTimeThenId((a) => a.createdAt));
  const carePlanId = b.id('CarePlan', 'agreements');
  const carePlanRef: Reference<CarePlan> = { reference: `urn:uuid:${carePlanId}` };
  const tasks = agreements.map((a): Task & { id: string } => {
    const shown: AgreementDisplayStatus = isOverdue(a, today) ? AGREEMENT_OVERDUE_CODE : a.status;
    const lastStep = a.history.filter((step) => step.to === a.status).pop();
    const everAccepted = a.status === 'accepted' || a.status === 'done' || a.history.some((step) => step.to === 'accepted');
    return {
      resourceType: 'Task',
      id: b.id('Task', a._id),
      identifier: [{ system: IDENTIFIER_SYSTEM.agreement, value: a._id }],
      basedOn: [carePlanRef],
      status: AGREEMENT_TASK_STATUS[a.status],
      statusReason: lastStep?.reason ? { text: text(lastStep.reason) } : undefined,
      businessStatus: concept(agreementStatusCoding(shown)),
      intent: everAccepted ? 'plan' : 'proposal',
      description: text(a.what),
      for: patientRef,
      authoredOn: iso(a.createdAt),
      lastModified: iso(a.updatedAt > a.createdAt ? a.updatedAt : a.createdAt),
      requester: personRef(a.proposedBy, a.proposedByName),
      owner: personRef(a.ownerId, a.ownerName),
      restriction: { period: { end: a.dueDate } },
      input: [{ type: concept(conceptCoding('follow-up-date')), valueDate: a.followUpDate }],
    };
  });
  const carePlan: CarePlan & { id: string } = {
    resourceType: 'CarePlan',
    id: carePlanId,
    identifier: [{ system: IDENTIFIER_SYSTEM.case, value: kase._id }],
    status: kase.status === 'open' ? 'active' : 'completed',
    intent: 'plan',
    title: t('da', 'export.carePlan.title'),
    subject: patientRef,
    created: iso(kase.createdAt),
    author: coordinator ? personRef(coordinator.userId, coordinator.name) : undefined,
    careTeam: [careTeamRef],
    activity: tasks.map((task) => ({ reference: { reference: `urn:uuid:${task.id}` } })),
  };
  b.add(carePlan);
  agreements.forEach((a, i) => {
    const ref = b.add(tasks[i]!);
    provenance(`agreement|${a._id}|proposed`, ref, a.createdAt, { who: personRef(a.proposedBy, a.proposedByName), type: HL7.author }, { activity: concept(HL7.create) });
    a.history.forEach((step, n) => {
      provenance(`agreement|${a._id}|${n}`, ref, step.at, { who: personRef(step.by, step.byName), type: HL7.performer }, {
        activity: concept(agreementStatusCoding(step.to)),
        reason: step.reason ? [{ text: text(step.reason) }] : undefined,
      });
    });
  });

  // Observations: the ICS area is what was observed, the TOPI level its value.
  for (const o of visibleObservations) {
    const professionalsOnly = o.visibility === 'professionals';
    const observation: FhirObservation & { id: string } = {
      resourceType: 'Observation',
      id: b.id('Observation', o._id),
      meta: professionalsOnly ? { security: [HL7.confidentialityRestricted], tag: [visibilityCoding('professionals')] } : { tag: [visibilityCoding('all')] },
      identifier: [{ system: IDENTIFIER_SYSTEM.observation, value: o._id }],
      status: 'final',
      category: [concept(icsSideCoding(o.area)), ...(o.sosColumn ? [concept(sosCoding(o.sosColumn))] : [])],
      code: concept(icsAreaCoding(o.area)),
      subject: patientRef,
      effectiveDateTime: iso(o.createdAt),
      issued: iso(o.createdAt),
      performer: [personRef(o.authorId, o.authorName)],
      valueCodeableConcept: concept(topiCoding(o.level)),
      note: [{ text: text(o.text) }],
    };
    const ref = b.add(observation);
    provenance(`observation|${o._id}`, ref, o.createdAt, { who: personRef(o.authorId, o.authorName), type: HL7.author }, { activity: concept(HL7.create) });
  }

  // Assessment rounds: each closed round groups its answers; each answer is a QuestionnaireResponse.
  for (const { round, answers } of rounds) {
    const responses = answers
      .slice()
      .sort(byTimeThenId((a) => a.submittedAt))
      .map((a): { answer: AssessmentAnswer; response: QuestionnaireResponse & { id: string } } => {
        const items: QuestionnaireResponseItem[] = ASSESSMENT_AREAS.map((area) => ({ linkId: area, text: t('da', `area.${area}`), answer: [{ valueCoding: topiCoding(a.ratings[area]) }] }));
        if (options.professional && a.comment) items.push({ linkId: COMMENT_LINK_ID, text: t('da', 'export.concept.comment'), answer: [{ valueString: text(a.comment) }] });
        const response: QuestionnaireResponse & { id: string } = {
          resourceType: 'QuestionnaireResponse',
          id: b.id('QuestionnaireResponse', a._id),
          questionnaire: `${QUESTIONNAIRE_URL}|${TERMINOLOGY_VERSION}`,
          status: 'completed',
          subject: patientRef,
          authored: iso(a.submittedAt),
          author: personRef(a.userId, a.name),
          source: personRef(a.userId, a.name),
          item: items,
        };
        return { answer: a, response };
      });
    const closedBy = round.closedBy ? personRef(round.closedBy, '') : undefined;
    const grouping: FhirObservation & { id: string } = {
      resourceType: 'Observation',
      id: b.id('Observation', `round|${round._id}`),
      identifier: [{ system: IDENTIFIER_SYSTEM.assessmentRound, value: round._id }],
      status: 'final',
      code: { coding: [conceptCoding('wellbeing-round')], text: t('da', 'export.concept.roundNumber', { number: round.number }) },
      subject: patientRef,
      effectivePeriod: { start: iso(round.openedAt), end: round.closedAt ? iso(round.closedAt) : undefined },
      performer: closedBy ? [closedBy] : undefined,
      hasMember: responses.map(({ response }) => ({ reference: `urn:uuid:${response.id}` })),
    };
    const groupRef = b.add(grouping);
    if (closedBy && round.closedAt) provenance(`round|${round._id}`, groupRef, round.closedAt, { who: closedBy, type: HL7.performer });
    for (const { answer, response } of responses) {
      const ref = b.add(response);
      provenance(`answer|${answer._id}`, ref, answer.submittedAt, { who: personRef(answer.userId, answer.name), type: HL7.author }, { activity: concept(HL7.create) });
    }
  }

  for (const p of provenances) b.add(p);

  // What the codes mean travels with the data.
  const questionnaire = wellbeingQuestionnaire();
  b.add(questionnaire, questionnaire.url);
  for (const cs of codeSystems()) b.add(cs, cs.url);

  const bundleId = b.id('Bundle', `${iso(options.at)}|${scope}`);
  return compact({
    resourceType: 'Bundle',
    id: bundleId,
    meta: { tag: [scopeCoding(scope)] },
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${bundleId}` },
    type: 'collection',
    timestamp: iso(options.at),
    entry: b.entries,
  });
}
