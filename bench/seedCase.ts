import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Agreement } from '../core/domain/agreement';
import type { Case, Member } from '../core/domain/case';
import type { CaseEvent } from '../core/domain/events';
import { collections } from '../core/persistence/database';
import { sortableEventId } from '../core/persistence/eventRepository';
import { channelId, makeUser, TEAM, TENANT_ID, type TestUser } from '../test/harness/activities';

export interface SeededCase {
  kase: Case;
  channel: string;
  coordinator: TestUser;
  teacher: TestUser;
  parent: TestUser;
}

const member = (user: TestUser, role: Member['role'], at: Date): Member => ({
  userId: user.id,
  aadObjectId: user.aadObjectId,
  name: user.name,
  role,
  status: 'active',
  addedBy: user.id,
  addedAt: at,
  consent: { state: role === 'parent' || role === 'caseworker' ? 'not_needed' : 'approved' },
});

/** A case shaped like a real one (coordinator, teacher, parent), written straight to the database. */
export async function seedCase(db: Db, label: string): Promise<SeededCase> {
  const at = new Date();
  const coordinator = makeUser('Bench Koordinator');
  const teacher = makeUser('Bench Lærer');
  const parent = makeUser('Bench Forælder');
  const channel = channelId(label);
  const kase: Case = {
    _id: randomUUID(),
    title: `Bench ${label}`,
    childRef: 'AB',
    status: 'open',
    coordinatorId: coordinator.id,
    members: [member(coordinator, 'caseworker', at), member(teacher, 'teacher', at), member(parent, 'parent', at)],
    conversation: { conversationId: channel, tenantId: TENANT_ID, teamId: TEAM.id, channelId: channel, kind: 'channel' },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await collections(db).cases.insertOne(kase);
  return { kase, channel, coordinator, teacher, parent };
}

/** `count` agreements in the given state, owned by the teacher, due in two weeks. */
export async function seedAgreements(db: Db, seeded: SeededCase, count: number, status: Agreement['status']): Promise<string[]> {
  const at = new Date();
  const docs: Agreement[] = Array.from({ length: count }, (_, i) => ({
    _id: randomUUID(),
    caseId: seeded.kase._id,
    what: `Bench-aftale ${i}: ugentlig samtale med klasselæreren om trivsel i frikvartererne`,
    ownerId: seeded.teacher.id,
    ownerName: seeded.teacher.name,
    dueDate: '2099-01-15',
    followUpDate: '2099-02-01',
    status,
    proposedBy: seeded.teacher.id,
    proposedByName: seeded.teacher.name,
    createdAt: at,
    updatedAt: at,
    history: [],
    version: 1,
  }));
  for (let i = 0; i < docs.length; i += 1000) await collections(db).agreements.insertMany(docs.slice(i, i + 1000));
  return docs.map((d) => d._id);
}

/** `count` events of mixed kinds and visibility, one second apart. */
export async function seedEvents(db: Db, seeded: SeededCase, count: number): Promise<void> {
  const start = Date.now() - count * 1000;
  const docs: CaseEvent[] = Array.from({ length: count }, (_, i) => ({
    _id: sortableEventId(),
    caseId: seeded.kase._id,
    at: new Date(start + i * 1000),
    actorId: seeded.teacher.id,
    actorName: seeded.teacher.name,
    type: i % 3 === 0 ? 'observation.created' : i % 3 === 1 ? 'agreement.proposed' : 'case.read',
    visibility: i % 5 === 0 ? 'professionals' : 'all',
    data: { area: 'child_school', level: 'yellow', text: `Observation ${i}: trækker sig i frikvartererne og virker træt om morgenen.`, what: `Aftale ${i}` },
  }));
  for (let i = 0; i < docs.length; i += 1000) await collections(db).events.insertMany(docs.slice(i, i + 1000));
}
