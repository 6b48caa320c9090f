import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Bundle, CareTeam, CodeSystem, Consent, Observation as FhirObservation, Provenance, QuestionnaireResponse, RelatedPerson, Resource, Task } from '@medplum/fhirtypes';
import { validateBundle, validateFhir } from '../../test/harness/fhirValidation';
import { CHILD_NAME, EXPORT_AT, PROFESSIONAL_COMMENT, PROFESSIONALS_ONLY, fixtureInput } from '../../test/harness/fhirFixture';
import { ROLES } from '../domain/roles';
import { t } from '../i18n';
import { AGREEMENT_TASK_STATUS, CONSENT_STATUS, caseToFhirBundle } from './fhir';
import { CODE_SYSTEM, FHIR_BASE, HL7, IDENTIFIER_SYSTEM, QUESTIONNAIRE_URL } from './fhirTerminology';

const EXAMPLE = join(__dirname, '..', '..', 'docs', 'fhir-example.json');
const DOC = join(__dirname, '..', '..', 'docs', 'fhir.md');
const UPDATE = process.env.UPDATE_FHIR_EXAMPLE === '1';

const professional = caseToFhirBundle(fixtureInput(), { professional: true, at: EXPORT_AT });
const family = caseToFhirBundle(fixtureInput(), { professional: false, at: EXPORT_AT });

const resources = (bundle: Bundle): Resource[] => (bundle.entry ?? []).map((e) => e.resource!);
const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] => resources(bundle).filter((r): r is T => r.resourceType === type);
const byFullUrl = (bundle: Bundle, reference: string | undefined): Resource | undefined => bundle.entry?.find((e) => e.fullUrl === reference)?.resource;
const taskFor = (bundle: Bundle, agreementId: string): Task => ofType<Task>(bundle, 'Task').find((task) => task.identifier?.[0]?.value === agreementId)!;

describe('validation with @medplum/core against the R4 definitions', () => {
  test.each([
    ['professional', professional],
    ['family-visible', family],
  ])('the %s bundle and every resource in it have no errors, every reference resolves and every code is defined', (_scope, bundle) => {
    expect(validateBundle(bundle)).toEqual([]);
    const resolve = (reference: string) => bundle.entry!.find((e) => e.fullUrl === reference)?.resource;
    for (const resource of resources(bundle)) expect(validateFhir(resource, resolve)).toEqual([]);
    expect(resources(bundle).map((r) => r.resourceType)).toEqual(
      expect.arrayContaining(['Patient', 'RelatedPerson', 'Practitioner', 'CareTeam', 'Consent', 'CarePlan', 'Task', 'Observation', 'QuestionnaireResponse', 'Questionnaire', 'Provenance', 'CodeSystem']),
    );
  });

  const broken: Array<[string, (bundle: Bundle) => void]> = [
    ['an agreement status that is not a FHIR task status', (b) => (taskFor(b, '00000000-0000-4000-8000-000000000302').status = 'overdue' as Task['status'])],
    ['an observation without its status', (b) => delete (ofType<FhirObservation>(b, 'Observation')[0] as Partial<FhirObservation>).status],
    ['a consent without scope and policy (invariant ppc-1)', (b) => {
      const consent = ofType<Consent>(b, 'Consent')[0] as Partial<Consent>;
      delete consent.scope;
      delete consent.policyRule;
    }],
    ['a date that does not exist', (b) => (taskFor(b, '00000000-0000-4000-8000-000000000301').restriction = { period: { end: '2026-02-30x' } })],
    ['an element FHIR does not have', (b) => Object.assign(ofType<CareTeam>(b, 'CareTeam')[0]!, { coordinator: 'Mette' })],
    ['a reference to a resource of a type the element does not allow', (b) => (ofType<FhirObservation>(b, 'Observation')[0]!.subject = { reference: b.entry!.find((e) => e.resource!.resourceType === 'CareTeam')!.fullUrl })],
    ['a reference to nothing in the bundle', (b) => (taskFor(b, '00000000-0000-4000-8000-000000000301').owner = { reference: 'urn:uuid:00000000-0000-4000-8000-00000000dead' })],
    ['a level code our code system does not define', (b) => (ofType<FhirObservation>(b, 'Observation')[0]!.valueCodeableConcept = { coding: [{ system: CODE_SYSTEM.topiLevel, code: 'purple', display: 'Lilla' }] })],
    ['a display that is not the code system’s', (b) => (ofType<FhirObservation>(b, 'Observation')[0]!.valueCodeableConcept = { coding: [{ system: CODE_SYSTEM.topiLevel, code: 'green', display: 'Rød' }] })],
    ['an HL7 code that does not exist', (b) => ((ofType<RelatedPerson>(b, 'RelatedPerson')[0]!.relationship![0]!.coding![0]!.code = 'GRANDMA'))],
    ['an entry whose fullUrl is not its resource’s', (b) => (b.entry![0]!.fullUrl = 'urn:uuid:samspil-patient')],
    ['a questionnaire response to a questionnaire not in the bundle', (b) => (ofType<QuestionnaireResponse>(b, 'QuestionnaireResponse')[0]!.questionnaire = `${FHIR_BASE}/Questionnaire/other`)],
  ];
  test.each(broken)('a deliberately broken bundle fails: %s', (_what, breakIt) => {
    const bundle = structuredClone(professional);
    breakIt(bundle);
    expect(validateBundle(bundle).length).toBeGreaterThan(0);
  });

  test('a deliberately broken single resource fails on its own', () => {
    expect(validateFhir({ resourceType: 'Patient', birthDate: '2020-13-01' })).not.toEqual([]);
    expect(validateFhir({ resourceType: 'Consent', status: 'active' } as Consent)).not.toEqual([]);
    expect(validateFhir({ resourceType: 'Task', status: 'done', intent: 'plan' } as unknown as Task)).not.toEqual([]);
    expect(validateFhir({ resourceType: 'Task', status: 'completed', intent: 'plan' })).toEqual([]);
  });
});

describe('the child, the people and the team', () => {
  test('the child is a pseudonymous Patient: initials only, no birth date, no identifier, and no child member’s name anywhere', () => {
    const [patient, ...more] = ofType(professional, 'Patient');
    expect(more).toEqual([]);
    expect(patient).toEqual({ resourceType: 'Patient', id: expect.any(String), active: true, name: [{ use: 'anonymous', text: 'AB' }] });
    expect(JSON.stringify(professional)).not.toContain(CHILD_NAME);
    expect(JSON.stringify(professional)).not.toMatch(/29:[a-z]/);
  });

  test('guardians are RelatedPersons (guardian in HL7 RoleCode and parent in ours), network members too, professionals are Practitioners with their role', () => {
    const related = ofType<RelatedPerson>(professional, 'RelatedPerson');
    const lise = related.find((p) => p.name?.[0]?.text === 'Lise Forælder')!;
    expect(lise.relationship).toEqual([{ coding: [HL7.guardian, { system: CODE_SYSTEM.role, code: 'parent', display: t('da', 'role.parent') }] }]);
    expect(byFullUrl(professional, lise.patient.reference)?.resourceType).toBe('Patient');
    expect(related.find((p) => p.name?.[0]?.text === 'Karsten Træner')).toMatchObject({ active: false, relationship: [{ coding: [{ code: 'network' }] }] });
    const practitioners = ofType<Resource & { name?: Array<{ text?: string }>; qualification?: unknown }>(professional, 'Practitioner');
    expect(practitioners.map((p) => p.name?.[0]?.text).sort()).toEqual(['Dorthe Læge', 'Jonas Lærer', 'Mette Sagsbehandler', 'Peter Psykolog', 'Sara Sundhedsplejerske']);
    expect(practitioners.find((p) => p.name?.[0]?.text === 'Peter Psykolog')).toMatchObject({ active: false, qualification: [{ code: { coding: [{ code: 'school_psychologist' }] } }] });
  });

  test('the CareTeam holds the active professionals and the coordinator, whose roles come from our role code system', () => {
    const [team] = ofType<CareTeam>(professional, 'CareTeam');
    const members = team!.participant!.map((p) => ({ name: p.member?.display, roles: p.role!.map((r) => r.coding![0]!.code) }));
    expect(members).toEqual([
      { name: 'Mette Sagsbehandler', roles: ['caseworker', 'coordinator'] },
      { name: 'Sara Sundhedsplejerske', roles: ['health_visitor'] },
      { name: 'Jonas Lærer', roles: ['teacher'] },
    ]);
    expect(team).toMatchObject({ status: 'active', name: 'Trivsel i 4.B', identifier: [{ system: IDENTIFIER_SYSTEM.case, value: fixtureInput().kase._id }] });
  });

  test('the role code system carries the Danish and English labels of every role, and the coordinator', () => {
    const roles = ofType<CodeSystem>(professional, 'CodeSystem').find((cs) => cs.url === CODE_SYSTEM.role)!;
    expect(roles.concept!.map((c) => c.code)).toEqual([...ROLES, 'coordinator']);
    for (const role of ROLES) {
      expect(roles.concept!.find((c) => c.code === role)).toMatchObject({ display: t('da', `role.${role}`), designation: [{ language: 'en', value: t('en', `role.${role}`) }] });
    }
    expect(roles.concept!.find((c) => c.code === 'coordinator')).toMatchObject({ display: 'Tovholder', designation: [{ language: 'en', value: 'Coordinator' }] });
  });
});

describe('consent', () => {
  const consents = ofType<Consent>(professional, 'Consent');
  const about = (name: string) => consents.filter((c) => c.provision?.actor?.[0]?.reference?.display === name);

  test('each consent decision is a Consent with its state, who decided and when; members who need none have none', () => {
    expect(about('Jonas Lærer')).toEqual([expect.objectContaining({ status: 'active', dateTime: '2025-11-05T09:00:00.000Z', performer: [expect.objectContaining({ display: 'Lise Forælder' })] })]);
    expect(about('Karsten Træner')).toEqual([expect.objectContaining({ status: 'proposed' })]);
    expect(about('Karsten Træner')[0]!.performer).toBeUndefined();
    expect(about('Peter Psykolog')).toEqual([expect.objectContaining({ status: 'rejected' })]);
    expect(about('Dorthe Læge')).toEqual([expect.objectContaining({ status: 'inactive', dateTime: '2026-01-10T09:00:00.000Z' })]);
    expect(about('Lise Forælder')).toEqual([]);
    expect(about('Mette Sagsbehandler')).toEqual([]);
    expect(CONSENT_STATUS).toEqual({ pending: 'proposed', approved: 'active', declined: 'rejected', withdrawn: 'inactive' });
    for (const c of consents) expect(c).toMatchObject({ scope: { coding: [HL7.privacyConsent] }, provision: { type: 'permit', actor: [{ role: { coding: [HL7.informationRecipient] } }] } });
  });

  test('a professional added without consent carries the legal basis the coordinator stated', () => {
    expect(about('Sara Sundhedsplejerske')).toEqual([
      expect.objectContaining({
        status: 'active',
        category: [{ coding: [{ system: CODE_SYSTEM.accessBasis, code: 'legal-basis', display: 'Hjemmel uden samtykke' }] }],
        policyRule: { coding: [expect.objectContaining({ code: 'legal-basis' })], text: 'Servicelovens § 11, stk. 3' },
        performer: [expect.objectContaining({ display: 'Mette Sagsbehandler' })],
      }),
    ]);
  });

  test('the reason for a decision is in the Provenance of the Consent', () => {
    const declined = about('Peter Psykolog')[0]!;
    const provenance = ofType<Provenance>(professional, 'Provenance').find((p) => byFullUrl(professional, p.target[0]!.reference) === declined)!;
    expect(provenance).toMatchObject({ recorded: '2025-11-07T09:00:00.000Z', agent: [{ who: { display: 'Lise Forælder' } }], reason: [{ text: 'Vi vil først tale med klasselæreren' }] });
  });
});

describe('agreements', () => {
  test('our statuses map to Task.status one to one; "overdue" is the business status of open agreements past their due date', () => {
    expect(AGREEMENT_TASK_STATUS).toEqual({ proposed: 'requested', accepted: 'in-progress', declined: 'rejected', done: 'completed', cancelled: 'cancelled' });
    const tasks = fixtureInput().agreements.map((a) => ({ what: a.what, status: taskFor(professional, a._id).status, business: taskFor(professional, a._id).businessStatus!.coding![0]!.code, intent: taskFor(professional, a._id).intent }));
    expect(tasks).toEqual([
      { what: 'Ugentligt møde med klasselæreren', status: 'in-progress', business: 'accepted', intent: 'plan' },
      { what: 'Lektiehjælp to gange om ugen', status: 'in-progress', business: 'overdue', intent: 'plan' },
      { what: 'Henvisning til PPR', status: 'requested', business: 'proposed', intent: 'proposal' },
      { what: 'Samtale med skolens AKT-lærer', status: 'requested', business: 'overdue', intent: 'proposal' },
      { what: 'Fast sengetid klokken 20', status: 'completed', business: 'done', intent: 'plan' },
      { what: 'Skoleskift til efteråret', status: 'rejected', business: 'declined', intent: 'proposal' },
      { what: 'Ekstra time hos sundhedsplejersken', status: 'cancelled', business: 'cancelled', intent: 'plan' },
    ]);
  });

  test('each Task has its owner, due date, follow-up date and reason, under the case’s CarePlan', () => {
    const declined = taskFor(professional, '00000000-0000-4000-8000-000000000306');
    expect(declined).toMatchObject({
      description: 'Skoleskift til efteråret',
      owner: { display: 'Mette Sagsbehandler' },
      requester: { display: 'Mette Sagsbehandler' },
      restriction: { period: { end: '2026-06-01' } },
      input: [{ type: { coding: [{ system: CODE_SYSTEM.concept, code: 'follow-up-date' }] }, valueDate: '2026-06-15' }],
      statusReason: { text: 'Barnet er glad for sin klasse' },
    });
    const [plan] = ofType(professional, 'CarePlan') as Array<Resource & { activity?: Array<{ reference?: { reference?: string } }> }>;
    expect(byFullUrl(professional, declined.basedOn![0]!.reference)).toBe(plan);
    expect(plan!.activity!.map((a) => (byFullUrl(professional, a.reference!.reference) as Task).description)).toHaveLength(7);
  });

  test('who proposed and every step since are Provenance, with the reason', () => {
    const task = taskFor(professional, '00000000-0000-4000-8000-000000000307');
    const fullUrl = professional.entry!.find((e) => e.resource === task)!.fullUrl;
    const steps = ofType<Provenance>(professional, 'Provenance').filter((p) => p.target[0]!.reference === fullUrl);
    expect(steps.map((p) => [p.agent[0]!.who!.display, p.agent[0]!.type!.coding![0]!.code, p.activity?.coding?.[0]?.code, p.reason?.[0]?.text])).toEqual([
      ['Mette Sagsbehandler', 'author', 'CREATE', undefined],
      ['Lise Forælder', 'performer', 'accepted', undefined],
      ['Mette Sagsbehandler', 'performer', 'cancelled', 'Dækkes af hjemmebesøget'],
    ]);
  });
});

describe('observations and assessments', () => {
  const observations = (bundle: Bundle) => ofType<FhirObservation>(bundle, 'Observation').filter((o) => o.code.coding?.[0]?.system === CODE_SYSTEM.icsArea);

  test('an observation is coded by ICS area, with the TOPI level as its value (displays Grøn/Gul/Rød as in KL’s TOPI questionnaire)', () => {
    const school = observations(professional).find((o) => o.code.coding![0]!.code === 'child_school')!;
    expect(school).toMatchObject({
      status: 'final',
      category: [{ coding: [{ system: CODE_SYSTEM.icsArea, code: 'child', display: 'Barnets udvikling' }] }, { coding: [{ system: CODE_SYSTEM.signsOfSafety, code: 'worries' }] }],
      code: { coding: [{ system: CODE_SYSTEM.icsArea, code: 'child_school', display: 'Dagtilbud, skoleforhold og læring' }] },
      valueCodeableConcept: { coding: [{ system: CODE_SYSTEM.topiLevel, code: 'yellow', display: 'Gul' }] },
      performer: [{ display: 'Jonas Lærer' }],
      meta: { tag: [{ system: CODE_SYSTEM.visibility, code: 'all' }] },
    });
    const levels = ofType<CodeSystem>(professional, 'CodeSystem').find((cs) => cs.url === CODE_SYSTEM.topiLevel)!;
    expect(levels.concept!.map((c) => [c.code, c.display])).toEqual([
      ['green', 'Grøn'],
      ['yellow', 'Gul'],
      ['red', 'Rød'],
    ]);
  });

  test('professionals-only observations are in the bundle only for a professional receiver, marked restricted, and the bundle says which choice was made', () => {
    const restricted = observations(professional).filter((o) => o.meta?.security?.[0]?.code === 'R');
    expect(restricted.map((o) => o.note![0]!.text)).toEqual([PROFESSIONALS_ONLY]);
    expect(restricted[0]!.meta!.tag).toEqual([{ system: CODE_SYSTEM.visibility, code: 'professionals', display: 'Kun fagpersoner' }]);
    expect(observations(family)).toHaveLength(3);
    expect(JSON.stringify(family)).not.toContain(PROFESSIONALS_ONLY);
    expect(observations(family).map((o) => o.code.coding![0]!.code)).not.toContain('family_housing');
    expect(professional.meta!.tag).toEqual([{ system: CODE_SYSTEM.exportScope, code: 'professional', display: t('da', 'export.scope.professional') }]);
    expect(family.meta!.tag).toEqual([{ system: CODE_SYSTEM.exportScope, code: 'family-visible', display: t('da', 'export.scope.familyVisible') }]);
  });

  test('answers of closed rounds are QuestionnaireResponses to our four-area questionnaire, grouped by round; open rounds stay private', () => {
    const responses = ofType<QuestionnaireResponse>(professional, 'QuestionnaireResponse');
    expect(responses).toHaveLength(6);
    expect(JSON.stringify(professional)).not.toContain('Endnu ikke delt');
    const first = responses[0]!;
    expect(first.questionnaire).toBe(`${QUESTIONNAIRE_URL}|1`);
    expect(first.item!.slice(0, 4).map((i) => [i.linkId, i.answer![0]!.valueCoding!.display])).toEqual([
      ['cognitive', 'Gul'],
      ['emotional', 'Rød'],
      ['social', 'Gul'],
      ['physical', 'Grøn'],
    ]);
    const rounds = ofType<FhirObservation>(professional, 'Observation').filter((o) => o.code.coding?.[0]?.code === 'wellbeing-round');
    expect(rounds.map((r) => [r.code.text, r.hasMember!.length])).toEqual([
      ['Trivselsvurdering, runde 1', 3],
      ['Trivselsvurdering, runde 2', 3],
    ]);
    expect(byFullUrl(professional, rounds[0]!.hasMember![0]!.reference)).toBe(first);
  });

  test('comments in answers, which only their author sees in Samspil, go to a professional receiver only', () => {
    expect(JSON.stringify(professional)).toContain(PROFESSIONAL_COMMENT);
    expect(JSON.stringify(family)).not.toContain(PROFESSIONAL_COMMENT);
    expect(ofType<QuestionnaireResponse>(family, 'QuestionnaireResponse').every((r) => r.item!.length === 4)).toBe(true);
  });

  test('every observation, answer, agreement and consent decision has a Provenance naming its author', () => {
    const provenance = ofType<Provenance>(professional, 'Provenance');
    const targets = new Set(provenance.map((p) => p.target[0]!.reference));
    const authored = professional.entry!.filter((e) => ['Observation', 'QuestionnaireResponse', 'Task'].includes(e.resource!.resourceType) || (e.resource as Consent).performer);
    expect(authored.length).toBeGreaterThan(20);
    for (const entry of authored) expect(targets).toContain(entry.fullUrl);
  });
});

describe('the bundle as a whole', () => {
  test('the same case exports the same bundle; the scope and the time make a new bundle ID', () => {
    expect(caseToFhirBundle(fixtureInput(), { professional: true, at: EXPORT_AT })).toEqual(professional);
    expect(family.id).not.toBe(professional.id);
    expect(caseToFhirBundle(fixtureInput(), { professional: true, at: new Date(EXPORT_AT.getTime() + 1) }).id).not.toBe(professional.id);
    expect(family.entry!.find((e) => e.resource!.resourceType === 'Patient')!.fullUrl).toBe(professional.entry!.find((e) => e.resource!.resourceType === 'Patient')!.fullUrl);
  });

  test('no CPR number leaves Samspil, even one that got into stored text', () => {
    fc.assert(
      fc.property(fc.constantFrom('010203-1234', '0102031234', '01 02 03 1234', '010203 - 1234'), fc.constantFrom('what', 'text', 'name', 'comment', 'reason'), (cpr, where) => {
        const input = fixtureInput();
        const note = `Se ${cpr} i journalen`;
        if (where === 'what') input.agreements[0]!.what = note;
        if (where === 'text') input.observations[0]!.text = note;
        if (where === 'name') input.kase.members[1]!.name = note;
        if (where === 'comment') input.rounds[0]!.answers[0]!.comment = note;
        if (where === 'reason') input.kase.members[5]!.consent.reason = note;
        const json = JSON.stringify(caseToFhirBundle(input, { professional: true, at: EXPORT_AT }));
        expect(json).toContain('Se ••••••-•••• i journalen');
        expect(json.replace(/\D/g, ' ')).not.toMatch(/\b0102031234\b|010203\s+1234/);
      }),
      { numRuns: 25 },
    );
  });

  test('docs/fhir-example.json is this fixture’s professional export (UPDATE_FHIR_EXAMPLE=1 rewrites it)', () => {
    const json = `${JSON.stringify(professional, null, 2)}\n`;
    if (UPDATE || (!existsSync(EXAMPLE) && !process.env.CI)) writeFileSync(EXAMPLE, json);
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(json);
  });

  test('every JSON block in docs/fhir.md is part of that export: the bundle’s header or one of its resources', () => {
    const { entry, ...header } = professional;
    const current = (block: Resource): Resource | undefined => (block.resourceType === 'Bundle' ? header : entry!.find((e) => e.resource!.resourceType === block.resourceType && e.resource!.id === block.id)?.resource);
    const doc = readFileSync(DOC, 'utf8');
    let blocks = 0;
    const updated = doc.replace(/```json\n([\s\S]*?)\n```/g, (_match, body: string) => {
      blocks++;
      const block = JSON.parse(body) as Resource;
      const now = current(block);
      expect(now).toBeDefined();
      if (!UPDATE) expect(block).toEqual(now);
      return `\`\`\`json\n${JSON.stringify(now, null, 2)}\n\`\`\``;
    });
    expect(blocks).toBeGreaterThanOrEqual(4);
    if (UPDATE) writeFileSync(DOC, updated);
  });
});
