import type { Agreement, AgreementStatus, AgreementTransition } from '../../core/domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../../core/domain/assessment';
import { summarizeRound } from '../../core/domain/assessmentSummary';
import type { Case, Member } from '../../core/domain/case';
import type { Observation } from '../../core/domain/observation';
import { roleGroup, type Role } from '../../core/domain/roles';
import type { AssessmentArea, WellbeingLevel } from '../../core/domain/scales';
import type { ClosedRound, FhirExportInput } from '../../core/export/fhir';

/**
 * One made-up case with every kind of thing an export maps: members in each consent state and with a
 * legal basis, a child member, observations in both visibilities, agreements in every status (two of
 * them overdue), two closed assessment rounds and an open one. Fixed dates, so the bundle is the same
 * every time (docs/fhir-example.json is made from it).
 */

export const EXPORT_AT = new Date('2026-03-02T09:00:00.000Z');
export const CHILD_NAME = 'Anna Barnesen';
export const PROFESSIONALS_ONLY = 'Underretning fra boligselskabet er modtaget';
export const PROFESSIONAL_COMMENT = 'Mistanke om uro i hjemmet, drøftes på næste møde';
export const CASE_ID = '3f1c2b9a-5d4e-4f60-8a7b-9c0d1e2f3a4b';

const day = (iso: string) => new Date(`${iso}T09:00:00.000Z`);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const member = (userId: string, name: string, role: Role, added: string, extra: Partial<Member> = {}): Member => ({
  userId,
  name,
  role,
  status: 'active',
  addedBy: '29:coordinator',
  addedAt: day(added),
  consent: { state: 'not_needed' },
  ...extra,
});

export function fixtureCase(): Case {
  return {
    _id: CASE_ID,
    title: 'Trivsel i 4.B',
    childRef: 'AB',
    status: 'open',
    coordinatorId: '29:coordinator',
    members: [
      member('29:coordinator', 'Mette Sagsbehandler', 'caseworker', '2025-11-03'),
      member('29:healthvisitor', 'Sara Sundhedsplejerske', 'health_visitor', '2025-11-03', { legalBasis: { text: 'Servicelovens § 11, stk. 3', by: '29:coordinator', at: day('2025-11-03') } }),
      member('29:parent', 'Lise Forælder', 'parent', '2025-11-04'),
      member('29:teacher', 'Jonas Lærer', 'teacher', '2025-11-04', { consent: { state: 'approved', by: '29:parent', byName: 'Lise Forælder', at: day('2025-11-05') } }),
      member('29:coach', 'Karsten Træner', 'network', '2025-11-06', { status: 'pending', consent: { state: 'pending' } }),
      member('29:psychologist', 'Peter Psykolog', 'school_psychologist', '2025-11-06', {
        status: 'declined',
        consent: { state: 'declined', by: '29:parent', byName: 'Lise Forælder', at: day('2025-11-07'), reason: 'Vi vil først tale med klasselæreren' },
      }),
      member('29:doctor', 'Dorthe Læge', 'doctor', '2025-11-04', {
        status: 'removed',
        consent: { state: 'withdrawn', by: '29:parent', byName: 'Lise Forælder', at: day('2026-01-10'), reason: 'Forløbet er afsluttet' },
      }),
      member('29:child', CHILD_NAME, 'child', '2025-11-04'),
    ],
    conversation: { conversationId: '19:fixture@thread.v2', kind: 'groupChat' },
    createdAt: day('2025-11-03'),
    updatedAt: day('2026-01-10'),
    version: 9,
  };
}

const observation = (n: number, authorId: string, authorName: string, authorRole: Role, at: string, fields: Pick<Observation, 'area' | 'level' | 'text'> & Partial<Observation>): Observation => ({
  _id: uuid(100 + n),
  caseId: CASE_ID,
  authorId,
  authorName,
  authorRole,
  visibility: 'all',
  createdAt: day(at),
  ...fields,
});

export function fixtureObservations(): Observation[] {
  return [
    observation(1, '29:teacher', 'Jonas Lærer', 'teacher', '2026-01-12', { area: 'child_school', level: 'yellow', sosColumn: 'worries', text: 'Har svært ved at koncentrere sig i matematik efter frokost' }),
    observation(2, '29:coordinator', 'Mette Sagsbehandler', 'caseworker', '2026-01-20', { area: 'family_housing', level: 'red', text: PROFESSIONALS_ONLY, visibility: 'professionals' }),
    observation(3, '29:parent', 'Lise Forælder', 'parent', '2026-02-01', { area: 'child_leisure', level: 'green', sosColumn: 'working_well', text: 'Glad for fodbold om tirsdagen' }),
    observation(4, '29:healthvisitor', 'Sara Sundhedsplejerske', 'health_visitor', '2026-02-10', { area: 'child_health', level: 'yellow', sosColumn: 'next_steps', text: 'Sover dårligt; aftal et hjemmebesøg' }),
  ];
}

type Ratings = Record<AssessmentArea, WellbeingLevel>;
const answer = (round: AssessmentRound, userId: string, name: string, role: Role, ratings: Ratings, comment?: string): AssessmentAnswer => ({
  _id: `${round._id}|${userId}`,
  roundId: round._id,
  caseId: CASE_ID,
  userId,
  name,
  role,
  group: roleGroup(role),
  ratings,
  comment,
  submittedAt: new Date(round.openedAt.getTime() + 24 * 60 * 60 * 1000),
});

export function fixtureRounds(): ClosedRound[] {
  const rounds: ClosedRound[] = [];
  const specs: Array<{ n: number; opened: string; closed?: string; answers: Array<[string, string, Role, Ratings, string?]> }> = [
    {
      n: 1,
      opened: '2025-11-10',
      closed: '2025-11-20',
      answers: [
        ['29:coordinator', 'Mette Sagsbehandler', 'caseworker', { cognitive: 'yellow', emotional: 'red', social: 'yellow', physical: 'green' }, PROFESSIONAL_COMMENT],
        ['29:teacher', 'Jonas Lærer', 'teacher', { cognitive: 'red', emotional: 'red', social: 'yellow', physical: 'green' }],
        ['29:parent', 'Lise Forælder', 'parent', { cognitive: 'yellow', emotional: 'yellow', social: 'green', physical: 'green' }, 'Hun er glad for at komme i skole'],
      ],
    },
    {
      n: 2,
      opened: '2026-02-02',
      closed: '2026-02-12',
      answers: [
        ['29:coordinator', 'Mette Sagsbehandler', 'caseworker', { cognitive: 'green', emotional: 'yellow', social: 'yellow', physical: 'green' }],
        ['29:teacher', 'Jonas Lærer', 'teacher', { cognitive: 'yellow', emotional: 'yellow', social: 'green', physical: 'green' }],
        ['29:parent', 'Lise Forælder', 'parent', { cognitive: 'green', emotional: 'yellow', social: 'green', physical: 'green' }],
      ],
    },
    { n: 3, opened: '2026-02-25', answers: [['29:teacher', 'Jonas Lærer', 'teacher', { cognitive: 'red', emotional: 'red', social: 'red', physical: 'red' }, 'Endnu ikke delt']] },
  ];
  let previous: AssessmentRound['summary'];
  for (const spec of specs) {
    const round: AssessmentRound = {
      _id: uuid(200 + spec.n),
      caseId: CASE_ID,
      number: spec.n,
      status: spec.closed ? 'closed' : 'open',
      openedBy: '29:coordinator',
      openedAt: day(spec.opened),
      ...(spec.closed ? { closedAt: day(spec.closed), closedBy: '29:coordinator' } : {}),
      version: spec.closed ? 2 : 1,
    };
    const answers = spec.answers.map(([userId, name, role, ratings, comment]) => answer(round, userId, name, role, ratings, comment));
    if (spec.closed) {
      round.summary = summarizeRound(spec.n, answers, previous);
      previous = round.summary;
    }
    rounds.push({ round, answers });
  }
  return rounds;
}

const agreement = (n: number, what: string, owner: [string, string], due: string, steps: Array<[AgreementStatus, string, string, string, string?]>, proposer: [string, string] = ['29:coordinator', 'Mette Sagsbehandler']): Agreement => {
  let status: AgreementStatus = 'proposed';
  const history: AgreementTransition[] = steps.map(([to, by, byName, at, reason]) => {
    const step: AgreementTransition = { from: status, to, by, byName, at: day(at), ...(reason ? { reason } : {}) };
    status = to;
    return step;
  });
  const created = day('2026-01-05');
  const [y, m, d] = due.split('-').map(Number) as [number, number, number];
  const followUp = new Date(Date.UTC(y, m - 1, d + 14)).toISOString().slice(0, 10);
  return {
    _id: uuid(300 + n),
    caseId: CASE_ID,
    what,
    ownerId: owner[0],
    ownerName: owner[1],
    dueDate: due,
    followUpDate: followUp,
    status,
    proposedBy: proposer[0],
    proposedByName: proposer[1],
    createdAt: new Date(created.getTime() + n * 60_000),
    updatedAt: history.length ? history[history.length - 1]!.at : new Date(created.getTime() + n * 60_000),
    history,
    version: history.length + 1,
  };
};

export function fixtureAgreements(): Agreement[] {
  const teacher: [string, string] = ['29:teacher', 'Jonas Lærer'];
  const parent: [string, string] = ['29:parent', 'Lise Forælder'];
  const coordinator: [string, string] = ['29:coordinator', 'Mette Sagsbehandler'];
  const accept = (at: string): [AgreementStatus, string, string, string] => ['accepted', '29:parent', 'Lise Forælder', at];
  return [
    agreement(1, 'Ugentligt møde med klasselæreren', teacher, '2026-04-01', [accept('2026-01-06')]),
    agreement(2, 'Lektiehjælp to gange om ugen', parent, '2026-02-20', [accept('2026-01-06')]),
    agreement(3, 'Henvisning til PPR', coordinator, '2026-03-20', []),
    agreement(4, 'Samtale med skolens AKT-lærer', teacher, '2026-02-15', []),
    agreement(5, 'Fast sengetid klokken 20', parent, '2026-02-01', [accept('2026-01-06'), ['done', '29:parent', 'Lise Forælder', '2026-01-30']], parent),
    agreement(6, 'Skoleskift til efteråret', coordinator, '2026-06-01', [['declined', '29:parent', 'Lise Forælder', '2026-01-07', 'Barnet er glad for sin klasse']]),
    agreement(7, 'Ekstra time hos sundhedsplejersken', ['29:healthvisitor', 'Sara Sundhedsplejerske'], '2026-02-28', [accept('2026-01-06'), ['cancelled', '29:coordinator', 'Mette Sagsbehandler', '2026-01-15', 'Dækkes af hjemmebesøget']]),
  ];
}

export const fixtureInput = (): FhirExportInput => ({ kase: fixtureCase(), agreements: fixtureAgreements(), observations: fixtureObservations(), rounds: fixtureRounds() });
