import type { AccessEntry } from '../audit/accessLog';
import { draft } from '../audit/events';
import { chainDrafts } from '../audit/eventStore';
import type { Agreement } from '../domain/agreement';
import type { Case, Member } from '../domain/case';
import type { Observation } from '../domain/observation';
import { buildPersonExport, type CaseData } from './personExport';
import { escapeHtml, renderPersonExportHtml } from './summaryHtml';

const caseId = 'c0ffee00-0000-4000-8000-0000000000aa';
const at = (day: number) => new Date(Date.UTC(2026, 1, day, 9));
const member = (userId: string, name: string, role: Member['role'], extra: Partial<Member> = {}): Member => ({
  userId,
  name,
  role,
  status: 'active',
  addedBy: '29:coord',
  addedAt: at(1),
  consent: { state: 'not_needed' },
  ...extra,
});

const PARENT_AAD = '0a0a0a0a-1111-4222-8333-444444444444';
const parent = member('29:parent', 'Lise <Forælder> & "Co"', 'parent', { aadObjectId: PARENT_AAD });
const teacher = member('29:teacher', 'Jonas Lærer', 'teacher', { consent: { state: 'approved', by: '29:parent', byName: parent.name, at: at(3), reason: 'Ok fra os' } });
const coordinator = member('29:coord', 'Karen Koordinator', 'caseworker');

const kase: Case = {
  _id: caseId,
  title: 'Trivsel for AB',
  childRef: 'AB',
  status: 'open',
  coordinatorId: '29:coord',
  members: [coordinator, parent, teacher],
  conversation: { conversationId: '19:chat', kind: 'groupChat' },
  createdAt: at(1),
  updatedAt: at(5),
  version: 5,
} as Case;

const observation = (id: string, authorId: string, text: string, visibility: Observation['visibility']): Observation => ({
  _id: id,
  caseId,
  authorId,
  authorName: authorId,
  authorRole: 'parent',
  area: 'child_leisure',
  level: 'green',
  text,
  visibility,
  createdAt: at(4),
});

const agreement = (id: string, proposedBy: string, ownerId: string, what: string, history: Agreement['history'] = []): Agreement => ({
  _id: id,
  caseId,
  what,
  ownerId,
  ownerName: ownerId,
  dueDate: '2026-03-10',
  followUpDate: '2026-03-20',
  status: history.at(-1)?.to ?? 'proposed',
  proposedBy,
  proposedByName: proposedBy,
  createdAt: at(4),
  updatedAt: at(4),
  history,
  version: 1 + history.length,
});

const actor = (m: Member) => ({ userId: m.userId, name: m.name });
const { events } = chainDrafts(caseId, [
  draft('case.created', { title: kase.title, childRef: 'AB', coordinatorId: '29:coord' }, { key: 'case:v1', caseId, at: at(1), actor: actor(coordinator) }),
  draft('member.added', { userId: '29:parent', name: parent.name, role: 'parent', status: 'active' }, { key: 'case:v2', caseId, at: at(1), actor: actor(coordinator) }),
  draft('member.added', { userId: '29:teacher', name: 'Jonas Lærer', role: 'teacher', status: 'pending' }, { key: 'case:v3', caseId, at: at(2), actor: actor(coordinator) }),
  draft('member.consent.approved', { userId: '29:teacher', name: 'Jonas Lærer', role: 'teacher', reason: 'Ok fra os' }, { key: 'case:v4', caseId, at: at(3), actor: actor(parent) }),
  draft('member.linked', { userIds: ['29:parent'] }, { key: 'case:v5', caseId, at: at(3), actor: { userId: 'samspil', name: 'Samspil' }, visibility: 'professionals' }),
]);

const read = (seq: number, actorId: string, actorName: string, part: string, surface: AccessEntry['surface'], action: AccessEntry['action'] = 'read') =>
  ({ _id: `${caseId}:${seq}`, caseId, seq, key: `access:${seq}`, familySeq: 0, contentHash: '', prevHash: '', hash: '', at: at(5), actorId, actorName, action, part, surface }) as AccessEntry;

const data: CaseData = {
  kase,
  events,
  access: [
    read(1, '29:teacher', 'Jonas Lærer', 'timeline', 'bot'),
    read(2, `aad:${PARENT_AAD.toUpperCase()}`, parent.name, 'tab.overview', 'tab'),
    read(3, 'operator:drift', 'Drift (npm run export)', 'export.fhir-r4.professional', 'export'),
    read(4, '29:stranger', 'Ukendt', 'case.read', 'bot', 'refused'),
  ],
  observations: [
    observation('o1', '29:parent', 'Glad for fodbold', 'all'),
    observation('o2', '29:teacher', 'Lærerens egen', 'all'),
    observation('o3', `aad:${PARENT_AAD}`, 'Forælderens fortrolige note', 'professionals'),
  ],
  agreements: [
    agreement('a1', '29:parent', '29:parent', 'Fast sengetid', [{ from: 'proposed', to: 'accepted', by: '29:parent', byName: parent.name, at: at(5) }]),
    agreement('a2', '29:coord', '29:teacher', 'Skoleskift', [{ from: 'proposed', to: 'declined', by: '29:parent', byName: parent.name, at: at(6), reason: 'Glad for klassen' }]),
    agreement('a3', '29:coord', '29:teacher', 'Ikke hendes', []),
  ],
  rounds: [{ _id: 'r1', caseId, number: 1, status: 'closed', openedBy: '29:coord', openedAt: at(2), version: 2 }],
  answers: [
    { _id: 'r1|29:parent', roundId: 'r1', caseId, userId: '29:parent', name: parent.name, role: 'parent', group: 'family', ratings: { cognitive: 'green', emotional: 'yellow', social: 'green', physical: 'green' }, comment: 'Sover dårligt', submittedAt: at(3) },
    { _id: 'r1|29:teacher', roundId: 'r1', caseId, userId: '29:teacher', name: 'Jonas Lærer', role: 'teacher', group: 'professional', ratings: { cognitive: 'red', emotional: 'red', social: 'red', physical: 'red' }, submittedAt: at(3) },
  ],
  meetings: [{ _id: 'm1', caseId, at: at(7), by: '29:parent', byName: parent.name, since: null, decisions: 2 }],
};

const exportFor = (ids: string[], professionalContent: boolean) => buildPersonExport(ids, [data], { at: at(8), by: 'Drift Driftesen', professionalContent, scope: 'all-cases' });

describe('a person’s access export', () => {
  test('finds the person by their Entra object ID in any case, with both their IDs and their name', () => {
    const exp = exportFor([PARENT_AAD.toUpperCase()], false);
    expect(exp.person).toEqual({ userIds: ['29:parent'], aadObjectIds: [PARENT_AAD], names: [parent.name] });
    expect(exp.cases).toHaveLength(1);
    expect(exp.cases[0]!.membership).toEqual([expect.objectContaining({ userId: '29:parent', role: 'parent', status: 'active', addedBy: { id: '29:coord', name: 'Karen Koordinator' } })]);
  });

  test('holds what they wrote and decided, and nobody else’s', () => {
    const c = exportFor(['29:parent'], false).cases[0]!;
    expect(c.wrote.observations.map((o) => o.text)).toEqual(['Glad for fodbold']);
    expect(c.wrote.agreementProposals.map((a) => a.what)).toEqual(['Fast sengetid']);
    expect(c.wrote.assessmentAnswers).toEqual([{ round: 1, at: at(3).toISOString(), ratings: expect.objectContaining({ emotional: 'yellow' }), comment: 'Sover dårligt' }]);
    expect(c.wrote.minutes).toEqual([{ id: 'm1', at: at(7).toISOString(), decisions: 2 }]);
    expect(c.wrote.consentDecisions).toEqual([{ at: at(3).toISOString(), about: 'Jonas Lærer', role: 'teacher', decision: 'member.consent.approved', reason: 'Ok fra os' }]);
    expect(c.agreements.owned.map((a) => a.what)).toEqual(['Fast sengetid']);
    expect(c.agreements.decided.map((d) => [d.what, d.to, d.reason])).toEqual([
      ['Fast sengetid', 'accepted', undefined],
      ['Skoleskift', 'declined', 'Glad for klassen'],
    ]);
    expect(c.consentHistory.map((h) => [h.event, h.byName])).toEqual([['member.added', 'Karen Koordinator']]);
  });

  test('professionals-only content only when the setting says so, and the export says which', () => {
    const without = exportFor(['29:parent'], false);
    expect(without.professionalContent).toEqual({ included: false, setting: 'GDPR_EXPORT_PROFESSIONAL_CONTENT' });
    expect(JSON.stringify(without)).not.toContain('Forælderens fortrolige note');
    const withIt = exportFor(['29:parent'], true);
    expect(withIt.professionalContent.included).toBe(true);
    expect(withIt.cases[0]!.wrote.observations.map((o) => [o.text, o.professionalsOnly])).toEqual([
      ['Glad for fodbold', false],
      ['Forælderens fortrolige note', true],
    ]);
  });

  test('the access log: every read of the case, with the reader’s role in it; refusals are not reads', () => {
    expect(exportFor(['29:parent'], false).cases[0]!.accessLog).toEqual([
      { at: at(5).toISOString(), byName: 'Jonas Lærer', byRole: 'teacher', part: 'timeline', surface: 'bot' },
      { at: at(5).toISOString(), byName: parent.name, byRole: 'parent', part: 'tab.overview', surface: 'tab' },
      { at: at(5).toISOString(), byName: 'Drift (npm run export)', byRole: 'operator', part: 'export.fhir-r4.professional', surface: 'export' },
    ]);
  });
});

describe('the Danish summary', () => {
  test('escapes everything a person typed or is called, also in the JSON at the end', () => {
    const html = renderPersonExportHtml(exportFor(['29:parent'], false));
    expect(html).not.toContain('<Forælder>');
    expect(html).not.toContain('"Co"');
    expect(html).toContain('Lise &lt;Forælder&gt; &amp; &quot;Co&quot;');
    // The only elements are our own: no tag comes from the data.
    const tags = new Set([...html.matchAll(/<([a-z0-9]+)[\s>]/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(['body', 'dd', 'dl', 'dt', 'h1', 'h2', 'h3', 'h4', 'head', 'html', 'meta', 'p', 'pre', 'section', 'style', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr']);
  });

  test('is in Danish, says which choice was made about professionals-only content, and tells who read what, how', () => {
    const without = renderPersonExportHtml(exportFor(['29:parent'], false));
    expect(without).toContain('<html lang="da">');
    expect(without).toContain('Oplysninger, der kun er for fagpersoner, er ikke medtaget');
    expect(without).toContain('Hvem har set oplysninger i sagen');
    expect(without).toContain('<td>Tidslinjen</td><td>Samspil-botten i Teams</td>');
    expect(without).toContain('<td>Hele sagen (eksport)</td><td>Eksport af sagen</td>');
    expect(without).toContain('Driftsmedarbejder');
    expect(renderPersonExportHtml(exportFor(['29:parent'], true))).toContain('Oplysninger, der kun er for fagpersoner, er medtaget');
  });

  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"onload="x', '&quot;onload=&quot;x'],
    ["it's & more", 'it&#39;s &amp; more'],
  ])('escapeHtml(%p)', (raw, escaped) => {
    expect(escapeHtml(raw)).toBe(escaped);
  });
});
