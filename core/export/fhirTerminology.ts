import type { CodeSystem, CodeSystemConcept, Coding, Questionnaire } from '@medplum/fhirtypes';
import type { AgreementStatus } from '../domain/agreement';
import { ROLES, type Role } from '../domain/roles';
import { ASSESSMENT_AREAS, ICS_AREA_KEYS, ICS_AREAS, SOS_COLUMNS, WELLBEING_LEVELS, type AssessmentArea, type IcsArea, type IcsSide, type SosColumn, type WellbeingLevel } from '../domain/scales';
import { t, type MessageKey } from '../i18n';

/**
 * The code systems and the questionnaire a Samspil FHIR export uses (docs/fhir.md). Every export
 * carries them in its Bundle, so a receiver can read every code without fetching anything.
 *
 * The canonical base is under `.example` (reserved, RFC 2606): the URLs can never clash with anyone
 * else's, and they say plainly that they are ours until the project has a domain of its own. Change
 * it here, in one place, when it does.
 */
export const FHIR_BASE = 'https://samspil.example/fhir';
export const TERMINOLOGY_VERSION = '1';

export const CODE_SYSTEM = {
  role: `${FHIR_BASE}/CodeSystem/role`,
  icsArea: `${FHIR_BASE}/CodeSystem/ics-area`,
  topiLevel: `${FHIR_BASE}/CodeSystem/topi-level`,
  assessmentArea: `${FHIR_BASE}/CodeSystem/assessment-area`,
  signsOfSafety: `${FHIR_BASE}/CodeSystem/signs-of-safety`,
  agreementStatus: `${FHIR_BASE}/CodeSystem/agreement-status`,
  exportScope: `${FHIR_BASE}/CodeSystem/export-scope`,
  visibility: `${FHIR_BASE}/CodeSystem/visibility`,
  accessBasis: `${FHIR_BASE}/CodeSystem/access-basis`,
  concept: `${FHIR_BASE}/CodeSystem/samspil`,
} as const;

/** Where our own IDs go when a resource carries them as an identifier. */
export const IDENTIFIER_SYSTEM = {
  case: `${FHIR_BASE}/identifier/case`,
  agreement: `${FHIR_BASE}/identifier/agreement`,
  observation: `${FHIR_BASE}/identifier/observation`,
  assessmentRound: `${FHIR_BASE}/identifier/assessment-round`,
} as const;

export const QUESTIONNAIRE_URL = `${FHIR_BASE}/Questionnaire/wellbeing-round`;
/** KL's TOPI questionnaire (KL Children IG, hl7dk/kl-children): one item whose answers are the strings Grøn, Gul, Rød. */
export const KL_TOPI_QUESTIONNAIRE_URL = 'http://fhir.kl.dk/children/Questionnaire/klgateway-children-topi';

/** HL7 code systems we use, with their codes and displays as HL7 publishes them (the tests check them). */
export const HL7 = {
  confidentialityRestricted: { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' },
  guardian: { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'GUARD', display: 'guardian' },
  informationRecipient: { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' },
  optIn: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN', display: 'opt-in' },
  privacyConsent: { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' },
  patientConsent: { system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' },
  author: { system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author', display: 'Author' },
  performer: { system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'performer', display: 'Performer' },
  create: { system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE', display: 'create' },
} as const satisfies Record<string, Coding>;

/** A concept: its Danish display (the code system's language), English beside it, maybe more. */
interface ConceptSpec {
  code: string;
  da: string;
  en: string;
  definition?: string;
  /** Further names, e.g. Samspil's own labels beside KL's display. */
  also?: Array<{ language: 'da' | 'en'; value: string }>;
  children?: ConceptSpec[];
}

interface CodeSystemSpec {
  url: string;
  /** The last segment of `url`: the canonical URL is also the resource's address. */
  id: string;
  name: string;
  title: string;
  description: string;
  concepts: ConceptSpec[];
}

const label = (key: MessageKey, params?: Record<string, string | number>): { da: string; en: string } => ({ da: t('da', key, params), en: t('en', key, params) });

export const COORDINATOR_CODE = 'coordinator';
export const AGREEMENT_OVERDUE_CODE = 'overdue';
export type AgreementDisplayStatus = AgreementStatus | typeof AGREEMENT_OVERDUE_CODE;
export type ExportScope = 'professional' | 'family-visible';
export type AccessBasis = 'guardian-consent' | 'legal-basis';
export type SamspilConcept = 'follow-up-date' | 'wellbeing-round' | 'comment';

const ICS_SIDES: readonly IcsSide[] = ['child', 'parenting', 'family'];

const CODE_SYSTEMS: readonly CodeSystemSpec[] = [
  {
    url: CODE_SYSTEM.role,
    id: 'role',
    name: 'SamspilRole',
    title: 'Samspil roles',
    description: "The roles people have in a Samspil case (the domain brief's professionals, family and network), and the coordinator (tovholder).",
    concepts: [...ROLES.map((role: Role) => ({ code: role, ...label(`role.${role}`) })), { code: COORDINATOR_CODE, ...label('export.role.coordinator') }],
  },
  {
    url: CODE_SYSTEM.icsArea,
    id: 'ics-area',
    name: 'SamspilIcsArea',
    title: 'ICS triangle (Integrated Children’s System)',
    description: 'What an observation is about: the three sides of the ICS triangle, each with its areas.',
    concepts: ICS_SIDES.map((side) => ({
      code: side,
      ...label(`ics.side.${side}`),
      children: ICS_AREA_KEYS.filter((area) => ICS_AREAS[area] === side).map((area: IcsArea) => ({ code: area, ...label(`ics.${area}`) })),
    })),
  },
  {
    url: CODE_SYSTEM.topiLevel,
    id: 'topi-level',
    name: 'SamspilTopiLevel',
    title: 'TOPI well-being level',
    description:
      "The three TOPI positions. The displays are the answer strings of KL's TOPI questionnaire (http://fhir.kl.dk/children/Questionnaire/klgateway-children-topi), which codes them as strings, not as a code system; Samspil's own labels are designations.",
    concepts: WELLBEING_LEVELS.map((level: WellbeingLevel) => {
      const app = label(`level.${level}`);
      return { code: level, ...label(`export.topi.${level}`), definition: `${app.da} (${app.en})`, also: [{ language: 'da' as const, value: app.da }, { language: 'en' as const, value: app.en }] };
    }),
  },
  {
    url: CODE_SYSTEM.assessmentArea,
    id: 'assessment-area',
    name: 'SamspilAssessmentArea',
    title: 'Assessment areas (Opsporingsmodellen)',
    description: 'The four areas of a well-being assessment round.',
    concepts: ASSESSMENT_AREAS.map((area: AssessmentArea) => ({ code: area, ...label(`area.${area}`) })),
  },
  {
    url: CODE_SYSTEM.signsOfSafety,
    id: 'signs-of-safety',
    name: 'SamspilSignsOfSafety',
    title: 'Signs of Safety columns',
    description: 'The three columns of Signs of Safety an observation may be filed under.',
    concepts: SOS_COLUMNS.map((column: SosColumn) => ({ code: column, ...label(`sos.${column}`) })),
  },
  {
    url: CODE_SYSTEM.agreementStatus,
    id: 'agreement-status',
    name: 'SamspilAgreementStatus',
    title: 'Agreement status',
    description: 'The lifecycle of an agreement (aftale). "overdue" is derived at export time: the due date has passed and the agreement is still proposed or accepted.',
    concepts: [
      ...(['proposed', 'accepted', 'declined', 'done', 'cancelled'] as const).map((status) => ({ code: status, ...label(`agreement.status.${status}`) })),
      { code: AGREEMENT_OVERDUE_CODE, ...label('agreement.overdue') },
    ],
  },
  {
    url: CODE_SYSTEM.exportScope,
    id: 'export-scope',
    name: 'SamspilExportScope',
    title: 'Export scope',
    description: 'Which content an export holds: the choice made for the receiving party, tagged on the Bundle (Bundle.meta.tag).',
    concepts: [
      { code: 'professional', ...label('export.scope.professional') },
      { code: 'family-visible', ...label('export.scope.familyVisible') },
    ],
  },
  {
    url: CODE_SYSTEM.visibility,
    id: 'visibility',
    name: 'SamspilVisibility',
    title: 'Visibility in the case',
    description: 'Who in the case can see an observation (Observation.meta.tag).',
    concepts: [
      { code: 'all', ...label('export.visibility.all') },
      { code: 'professionals', ...label('export.visibility.professionals') },
    ],
  },
  {
    url: CODE_SYSTEM.accessBasis,
    id: 'access-basis',
    name: 'SamspilAccessBasis',
    title: 'Basis for access to a case',
    description: "Why a person may see the case: a guardian's consent, or a legal basis stated by the coordinator before any guardian had joined.",
    concepts: [
      { code: 'guardian-consent', ...label('export.basis.guardianConsent') },
      { code: 'legal-basis', ...label('export.basis.legalBasis') },
    ],
  },
  {
    url: CODE_SYSTEM.concept,
    id: 'samspil',
    name: 'SamspilConcepts',
    title: 'Samspil concepts',
    description: 'Other concepts a Samspil export names.',
    concepts: [
      { code: 'follow-up-date', ...label('export.concept.followUpDate') },
      { code: 'wellbeing-round', ...label('export.concept.wellbeingRound') },
      { code: 'comment', ...label('export.concept.comment') },
    ],
  },
];

function toConcept(spec: ConceptSpec): CodeSystemConcept {
  const designation = [{ language: 'en', value: spec.en }, ...(spec.also ?? [])];
  return {
    code: spec.code,
    display: spec.da,
    ...(spec.definition ? { definition: spec.definition } : {}),
    designation,
    ...(spec.children?.length ? { concept: spec.children.map(toConcept) } : {}),
  };
}

const countConcepts = (specs: readonly ConceptSpec[]): number => specs.reduce((n, spec) => n + 1 + countConcepts(spec.children ?? []), 0);

/** The code systems as FHIR resources (complete, Danish displays, English designations). */
export function codeSystems(): Array<CodeSystem & { id: string }> {
  return CODE_SYSTEMS.map((spec) => ({
    resourceType: 'CodeSystem' as const,
    id: spec.id,
    url: spec.url,
    version: TERMINOLOGY_VERSION,
    name: spec.name,
    title: spec.title,
    status: 'active',
    experimental: false,
    publisher: 'Samspil',
    description: spec.description,
    language: 'da',
    caseSensitive: true,
    ...(spec.concepts.some((c) => c.children?.length) ? { hierarchyMeaning: 'is-a' as const } : {}),
    content: 'complete',
    count: countConcepts(spec.concepts),
    concept: spec.concepts.map(toConcept),
  }));
}

const displays = new Map<string, Map<string, string>>();
for (const spec of CODE_SYSTEMS) {
  const byCode = new Map<string, string>();
  const walk = (concepts: readonly ConceptSpec[]): void => {
    for (const concept of concepts) {
      byCode.set(concept.code, concept.da);
      walk(concept.children ?? []);
    }
  };
  walk(spec.concepts);
  displays.set(spec.url, byCode);
}

/** A coding from one of our code systems, with its display; an unknown code is a programming error. */
export function coding(system: (typeof CODE_SYSTEM)[keyof typeof CODE_SYSTEM], code: string): Coding {
  const display = displays.get(system)?.get(code);
  if (display === undefined) throw new Error(`no code ${code} in ${system}`);
  return { system, code, display };
}

export const roleCoding = (role: Role | typeof COORDINATOR_CODE): Coding => coding(CODE_SYSTEM.role, role);
export const topiCoding = (level: WellbeingLevel): Coding => coding(CODE_SYSTEM.topiLevel, level);
export const icsAreaCoding = (area: IcsArea): Coding => coding(CODE_SYSTEM.icsArea, area);
export const icsSideCoding = (area: IcsArea): Coding => coding(CODE_SYSTEM.icsArea, ICS_AREAS[area]);
export const sosCoding = (column: SosColumn): Coding => coding(CODE_SYSTEM.signsOfSafety, column);
export const areaCoding = (area: AssessmentArea): Coding => coding(CODE_SYSTEM.assessmentArea, area);
export const agreementStatusCoding = (status: AgreementDisplayStatus): Coding => coding(CODE_SYSTEM.agreementStatus, status);
export const scopeCoding = (scope: ExportScope): Coding => coding(CODE_SYSTEM.exportScope, scope);
export const visibilityCoding = (visibility: 'all' | 'professionals'): Coding => coding(CODE_SYSTEM.visibility, visibility);
export const accessBasisCoding = (basis: AccessBasis): Coding => coding(CODE_SYSTEM.accessBasis, basis);
export const conceptCoding = (concept: SamspilConcept): Coding => coding(CODE_SYSTEM.concept, concept);

export const COMMENT_LINK_ID = 'comment';

/** The well-being round as a questionnaire: the four areas, each answered Grøn, Gul or Rød, and an optional comment. */
export function wellbeingQuestionnaire(): Questionnaire & { id: string } {
  return {
    resourceType: 'Questionnaire',
    id: 'wellbeing-round',
    url: QUESTIONNAIRE_URL,
    version: TERMINOLOGY_VERSION,
    name: 'SamspilWellbeingRound',
    title: t('da', 'export.questionnaire.title'),
    status: 'active',
    experimental: false,
    publisher: 'Samspil',
    description: `${t('da', 'export.questionnaire.description')} ${t('en', 'export.questionnaire.description')}`,
    language: 'da',
    subjectType: ['Patient'],
    item: [
      ...ASSESSMENT_AREAS.map((area) => ({
        linkId: area,
        code: [areaCoding(area)],
        text: t('da', `area.${area}`),
        type: 'choice' as const,
        required: true,
        repeats: false,
        answerOption: WELLBEING_LEVELS.map((level) => ({ valueCoding: topiCoding(level) })),
      })),
      { linkId: COMMENT_LINK_ID, code: [conceptCoding('comment')], text: t('da', 'export.concept.comment'), type: 'text' as const, required: false, repeats: false },
    ],
  };
}
