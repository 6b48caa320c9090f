import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Agreement, AgreementStatus } from '../../core/domain/agreement';
import type { Case, Member } from '../../core/domain/case';
import type { Role } from '../../core/domain/roles';
import { copenhagenTime } from '../../core/reminders/calendar';
import { makeUser, personalChatIdOf, TENANT_ID, TEAM, type TestUser } from './activities';

/** A controllable clock: tests set Copenhagen wall-clock times and never wait for real time. */
export class TestClock {
  private ms: number;
  constructor(start: Date) {
    this.ms = start.getTime();
  }
  readonly now = (): Date => new Date(this.ms);
  /** Sets the clock to a Copenhagen date and time, e.g. at('2025-03-04', '08:00'). */
  at(date: string, hhmm: string): Date {
    this.ms = copenhagenTime(date, hhmm).getTime();
    return this.now();
  }
  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }
}

export interface SeededCase {
  kase: Case;
  channel: string;
  coordinator: TestUser;
  owner: TestUser;
  guardian: TestUser;
}

function member(user: TestUser, role: Role, addedAt: Date, extra: Partial<Member> = {}): Member {
  return { userId: user.id, aadObjectId: user.aadObjectId, name: user.name, role, status: 'active', addedBy: 'seed', addedAt, consent: { state: 'not_needed' }, ...extra };
}

/** A case in a team channel with a coordinator, an owner (teacher) and a guardian, plus stored conversation references. */
export async function seedCase(db: Db, serviceUrl: string, at: Date, options: { personalChats?: boolean; title?: string } = {}): Promise<SeededCase> {
  const coordinator = makeUser('Mette Koordinator');
  const owner = makeUser('Ole Lærer');
  const guardian = makeUser('Gitte Forælder');
  const channel = `19:reminders-${randomUUID().slice(0, 8)}@thread.tacv2`;
  const kase: Case = {
    _id: randomUUID(),
    title: options.title ?? 'Trivsel i 4.b',
    childRef: 'AB',
    status: 'open',
    coordinatorId: coordinator.id,
    members: [member(coordinator, 'caseworker', at), member(owner, 'teacher', at), member(guardian, 'parent', at)],
    conversation: { conversationId: channel, tenantId: TENANT_ID, teamId: TEAM.id, channelId: channel, kind: 'channel' },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await db.collection<Case>('cases').insertOne(kase);
  const reference = (conversationId: string, type: string, user?: TestUser) => ({
    channelId: 'msteams',
    serviceUrl,
    bot: { id: '28:samspil-bot', name: 'Samspil' },
    user: user ? { id: user.id, name: user.name, aadObjectId: user.aadObjectId } : undefined,
    conversation: { id: conversationId, conversationType: type, tenantId: TENANT_ID, isGroup: type !== 'personal' },
  });
  const records: Array<Record<string, unknown>> = [
    { _id: channel, kind: 'channel', tenantId: TENANT_ID, teamId: TEAM.id, aadGroupId: TEAM.aadGroupId, channelId: channel, serviceUrl, reference: reference(channel, 'channel'), updatedAt: at },
  ];
  if (options.personalChats !== false) {
    for (const user of [coordinator, owner, guardian]) {
      const id = personalChatId(user);
      records.push({ _id: id, kind: 'personal', tenantId: TENANT_ID, userId: user.id, aadObjectId: user.aadObjectId, serviceUrl, reference: reference(id, 'personal', user), updatedAt: at });
    }
  }
  await db.collection('conversations').insertMany(records as never[]);
  return { kase, channel, coordinator, owner, guardian };
}

export const personalChatId = (user: TestUser): string => personalChatIdOf(user);

export async function seedAgreement(
  db: Db,
  seeded: SeededCase,
  fields: { status: AgreementStatus; dueDate: string; followUpDate: string; createdAt: Date; what?: string; owner?: TestUser; proposedBy?: TestUser },
): Promise<Agreement> {
  const owner = fields.owner ?? seeded.owner;
  const proposer = fields.proposedBy ?? seeded.coordinator;
  const agreement: Agreement = {
    _id: randomUUID(),
    caseId: seeded.kase._id,
    what: fields.what ?? 'Ugentlig samtale med AB om trivsel',
    ownerId: owner.id,
    ownerName: owner.name,
    dueDate: fields.dueDate,
    followUpDate: fields.followUpDate,
    status: fields.status,
    proposedBy: proposer.id,
    proposedByName: proposer.name,
    createdAt: fields.createdAt,
    updatedAt: fields.createdAt,
    history: [],
    version: 1,
  };
  await db.collection<Agreement>('agreements').insertOne(agreement);
  return agreement;
}

/** The reminder cards the fake connector received, with the conversation they went to. */
export function reminderCards(calls: Array<{ conversationId?: string; activity: Record<string, any> }>): Array<{ conversationId?: string; key: string; text: string; card: Record<string, any>; activity: Record<string, any> }> {
  return calls
    .filter((c) => c.activity.attachments?.[0]?.content?.body && c.activity.channelData?.samspilReminder?.key)
    .map((c) => ({ conversationId: c.conversationId, key: String(c.activity.channelData.samspilReminder.key), text: JSON.stringify(c.activity.attachments[0].content), card: c.activity.attachments[0].content, activity: c.activity }));
}
