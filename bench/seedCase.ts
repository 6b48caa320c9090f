import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Agreement } from '../core/domain/agreement';
import type { Case, Member } from '../core/domain/case';
import { draft, type EventDraft } from '../core/audit/events';
import { chainDrafts } from '../core/audit/eventStore';
import { collections } from '../core/persistence/database';
import { cardAction, groupChatMessage, makeUser, TENANT_ID, type TestUser } from '../test/harness/activities';
import type { ScenarioContext } from './scenario';

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

/**
 * A case shaped like a real one (coordinator, teacher, parent), written straight to the database.
 * It lives in the family's group chat, whose roster is those three, so what the bot posts there may
 * show the case (to members; professionals-only content stays out). `withParent: false` seeds a
 * chat of the two professionals only, where professionals' own views may be posted too.
 */
export async function seedCase(db: Db, label: string, roster?: ScenarioContext['setRoster'], { withParent = true } = {}): Promise<SeededCase> {
  const at = new Date();
  const coordinator = makeUser('Bench Koordinator');
  const teacher = makeUser('Bench Lærer');
  const parent = makeUser('Bench Forælder');
  const channel = `19:${label}-${randomUUID().slice(0, 8)}@thread.v2`;
  roster?.(channel, withParent ? [coordinator, teacher, parent] : [coordinator, teacher]);
  const kase: Case = {
    _id: randomUUID(),
    title: `Bench ${label}`,
    childRef: 'AB',
    status: 'open',
    coordinatorId: coordinator.id,
    members: [member(coordinator, 'caseworker', at), member(teacher, 'teacher', at), member(parent, 'parent', at)],
    conversation: { conversationId: channel, tenantId: TENANT_ID, kind: 'groupChat' },
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

/** A history of `count` events of mixed kinds and visibility, one second apart, chained as `append` would. */
export async function seedEvents(db: Db, seeded: SeededCase, count: number): Promise<void> {
  const start = Date.now() - count * 1000;
  const actor = { userId: seeded.teacher.id, name: seeded.teacher.name };
  const drafts: EventDraft[] = Array.from({ length: count }, (_, i) => {
    const change = { key: `seed:${seeded.kase._id}:${i}`, caseId: seeded.kase._id, at: new Date(start + i * 1000), actor, visibility: i % 5 === 0 ? ('professionals' as const) : ('all' as const) };
    return i % 2 === 0
      ? draft('observation.created', { observationId: randomUUID(), area: 'child_school', level: 'yellow', text: `Observation ${i}: trækker sig i frikvartererne og virker træt om morgenen.` }, change)
      : draft('agreement.proposed', { agreementId: randomUUID(), what: `Aftale ${i}`, ownerId: seeded.teacher.id, ownerName: seeded.teacher.name, dueDate: '2099-01-15', followUpDate: '2099-02-01' }, change);
  });
  const { events, head } = chainDrafts(seeded.kase._id, drafts);
  for (let i = 0; i < events.length; i += 1000) await collections(db).events.insertMany(events.slice(i, i + 1000));
  await collections(db).eventHeads.insertOne(head);
}

/** A message in the seeded case's group chat, @mentioning the bot as Teams sends it. */
export const chatMessage = (text: string, seeded: SeededCase, from: TestUser, serviceUrl: string) => groupChatMessage(text, { serviceUrl, from, chatId: seeded.channel });

/** An invoke (card click) in the seeded case's group chat. */
export const chatClick = (verb: string, data: Record<string, unknown>, seeded: SeededCase, from: TestUser, serviceUrl: string) =>
  cardAction(verb, data, { serviceUrl, from, conversationId: seeded.channel, conversationType: 'groupChat' });

/** Forms handed out to a person ahead of time, as `observation` / `aftale` would have done. */
export async function seedForms(db: Db, seeded: SeededCase, kind: 'observation' | 'agreement', requester: TestUser, count: number): Promise<string[]> {
  const at = new Date();
  const ids = Array.from({ length: count }, () => randomUUID());
  const docs = ids.map((_id) => ({ _id, kind, caseId: seeded.kase._id, requesterId: requester.id, requesterName: requester.name, createdAt: at }));
  for (let i = 0; i < docs.length; i += 1000) await collections(db).forms.insertMany(docs.slice(i, i + 1000));
  return ids;
}
