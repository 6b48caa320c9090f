import { MongoClient, MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError, type Collection, type Db, type Document } from 'mongodb';
import type { Case } from '../domain/case';
import type { AccessEntry } from '../audit/accessLog';
import type { ChainHeadDoc } from '../audit/chainStore';
import type { CaseEvent } from '../audit/events';
import type { ConversationRecord } from './conversationRepository';
import type { InboxEntry } from './inboxRepository';
import { ensureMeetingNoticeIndexes, ensureScheduledMeetingIndexes, MEETING_NOTICES_COLLECTION, MEETINGS_COLLECTION, SCHEDULED_MEETINGS_COLLECTION, type MeetingNotice, type MeetingRecord } from './meetingRepository';
import type { Meeting } from '../domain/meeting';
import type { Agreement } from '../domain/agreement';
import type { AssessmentAnswer, AssessmentRound } from '../domain/assessment';
import type { Observation } from '../domain/observation';
import { ensureReminderIndexes, REMINDER_SNOOZES } from './reminderRepository';
import { CHILD_VOICE_ENTRIES, CHILD_VOICE_SETTINGS, ensureChildVoiceIndexes } from './childVoiceRepository';
import type { FormRecord } from './formRepository';
import { PostedCardRepository, type PostedCard } from './postedCardRepository';
import { upsertById } from './writes';
import type { RoomRecord } from './roomRepository';
import type { VerificationRecord } from '../audit/verifier';
import type { ChannelLink } from './channelLinkRepository';
import type { PendingPost } from './pendingPostRepository';
import { EARLY_WARNINGS_COLLECTION, type EarlyWarningRecord } from './earlyWarningRepository';
import { LEADER_FACTS_COLLECTION, type StoredFacts } from './leaderFactsRepository';

/**
 * The collections Samspil uses. Only features shared by MongoDB 6+, Cosmos DB for MongoDB
 * (vCore) and FerretDB v1: no $lookup, no multi-document transactions, no change streams.
 */
export interface Collections {
  cases: Collection<Case>;
  events: Collection<CaseEvent>;
  eventHeads: Collection<ChainHeadDoc>;
  accessLog: Collection<AccessEntry>;
  accessHeads: Collection<ChainHeadDoc>;
  auditRuns: Collection<VerificationRecord>;
  caseChannels: Collection<ChannelLink>;
  pendingPosts: Collection<PendingPost>;
  conversations: Collection<ConversationRecord>;
  inbox: Collection<InboxEntry>;
  meetings: Collection<MeetingRecord>;
  /** Scheduled case meetings and the messages sent about them (core/services/meetingService.ts). */
  scheduledMeetings: Collection<Meeting>;
  meetingNotices: Collection<MeetingNotice>;
  observations: Collection<Observation>;
  assessmentRounds: Collection<AssessmentRound>;
  assessmentAnswers: Collection<AssessmentAnswer>;
  agreements: Collection<Agreement>;
  forms: Collection<FormRecord>;
  rooms: Collection<RoomRecord>;
  postedCards: Collection<PostedCard>;
  earlyWarnings: Collection<EarlyWarningRecord>;
  leaderFacts: Collection<StoredFacts>;
}

export function collections(db: Db): Collections {
  return {
    cases: db.collection<Case>('cases'),
    events: db.collection<CaseEvent>('events'),
    eventHeads: db.collection<ChainHeadDoc>('eventHeads'),
    accessLog: db.collection<AccessEntry>('accessLog'),
    accessHeads: db.collection<ChainHeadDoc>('accessHeads'),
    auditRuns: db.collection<VerificationRecord>('auditRuns'),
    caseChannels: db.collection<ChannelLink>('caseChannels'),
    pendingPosts: db.collection<PendingPost>('pendingPosts'),
    conversations: db.collection<ConversationRecord>('conversations'),
    inbox: db.collection<InboxEntry>('inbox'),
    meetings: db.collection<MeetingRecord>(MEETINGS_COLLECTION),
    scheduledMeetings: db.collection<Meeting>(SCHEDULED_MEETINGS_COLLECTION),
    meetingNotices: db.collection<MeetingNotice>(MEETING_NOTICES_COLLECTION),
    observations: db.collection<Observation>('observations'),
    assessmentRounds: db.collection<AssessmentRound>('assessmentRounds'),
    assessmentAnswers: db.collection<AssessmentAnswer>('assessmentAnswers'),
    agreements: db.collection<Agreement>('agreements'),
    forms: db.collection<FormRecord>('forms'),
    rooms: db.collection<RoomRecord>('rooms'),
    postedCards: db.collection<PostedCard>('postedCards'),
    earlyWarnings: db.collection<EarlyWarningRecord>(EARLY_WARNINGS_COLLECTION),
    leaderFacts: db.collection<StoredFacts>(LEADER_FACTS_COLLECTION),
  };
}

/**
 * Every collection whose documents carry an outbox (core/audit/auditedWrites.ts): one list, so that
 * each gets its `outbox` index and the crash repair looks through each.
 */
export function outboxCollections(db: Db): Array<Collection<Document>> {
  const c = collections(db);
  return [
    c.cases,
    c.observations,
    c.agreements,
    c.assessmentRounds,
    c.assessmentAnswers,
    c.meetings,
    c.caseChannels,
    c.scheduledMeetings,
    c.earlyWarnings,
    db.collection(CHILD_VOICE_ENTRIES),
    db.collection(CHILD_VOICE_SETTINGS),
    db.collection(REMINDER_SNOOZES),
  ] as unknown as Array<Collection<Document>>;
}

/** Creating an index that exists with the same definition is a no-op, so this is safe at every start. */
export async function ensureIndexes(db: Db): Promise<void> {
  const c = collections(db);
  await c.cases.createIndex({ 'conversation.conversationId': 1 }, { unique: true, name: 'cases_by_conversation' });
  await c.cases.createIndex({ 'members.userId': 1 }, { name: 'cases_by_member' });
  // The history (core/audit): entries are `<caseId>:<seq>`, a change appends once per key.
  await c.events.createIndex({ key: 1 }, { unique: true, name: 'events_by_key' });
  await c.events.createIndex({ caseId: 1, seq: 1 }, { name: 'events_by_case' });
  await c.accessLog.createIndex({ key: 1 }, { unique: true, name: 'access_by_key' });
  await c.accessLog.createIndex({ caseId: 1, seq: 1 }, { name: 'access_by_case' });
  // Documents whose events are not yet in their chain (a crash mid-write): repair finds them.
  for (const pending of outboxCollections(db)) await pending.createIndex({ outbox: 1 }, { name: 'outbox' });
  await c.conversations.createIndex({ userId: 1, updatedAt: -1 }, { name: 'conversations_by_user' });
  await c.observations.createIndex({ caseId: 1, createdAt: -1 }, { name: 'observations_by_case_time' });
  await c.assessmentRounds.createIndex({ caseId: 1, number: 1 }, { unique: true, name: 'rounds_by_case_number' });
  await c.assessmentAnswers.createIndex({ roundId: 1 }, { name: 'answers_by_round' });
  await c.agreements.createIndex({ caseId: 1, createdAt: -1 }, { name: 'agreements_by_case' });
  await c.agreements.createIndex({ ownerId: 1, status: 1 }, { name: 'agreements_by_owner' });
  // Minutes posted from the tab (core/services/overviewService.ts): the last meeting of a case.
  await c.meetings.createIndex({ caseId: 1, at: -1 }, { name: 'meetings_by_case_time' });
  // Scheduled meetings: by case, by start (reminder planning), by participant ("mine møder"); their messages by meeting.
  await ensureScheduledMeetingIndexes(c.scheduledMeetings);
  await ensureMeetingNoticeIndexes(c.meetingNotices);
  // Retention sweeps (core/services/retentionService.ts) delete by age.
  await c.inbox.createIndex({ receivedAt: 1 }, { name: 'inbox_by_received' });
  await c.forms.createIndex({ createdAt: 1 }, { name: 'forms_by_created' });
  await c.rooms.createIndex({ readAt: 1 }, { name: 'rooms_by_read' });
  // Posted messages (bot/audience): re-rendered per subject when it changes, per room when its audience changes.
  await c.postedCards.createIndex({ caseId: 1, postedAt: -1 }, { name: 'postedCards_by_case' });
  await c.postedCards.createIndex({ conversationId: 1, postedAt: -1 }, { name: 'postedCards_by_conversation' });
  // Case channels (bot/channels): which case a channel belongs to.
  await c.caseChannels.createIndex({ channelId: 1 }, { unique: true, name: 'caseChannels_by_channel' });
  // Posts and card updates Teams did not take (bot/audience/publisher.ts): sent again when due.
  await c.pendingPosts.createIndex({ nextAt: 1 }, { name: 'pendingPosts_by_due' });
  await c.postedCards.createIndex({ stale: 1 }, { name: 'postedCards_stale' });
  await c.postedCards.createIndex({ subject: 1, postedAt: -1 }, { name: 'postedCards_by_subject' });
  // Early warnings (core/services/earlyWarningService.ts): a case's warnings, cards still to send, crash repair.
  await c.earlyWarnings.createIndex({ caseId: 1, raisedAt: -1 }, { name: 'earlyWarnings_by_case' });
  await c.earlyWarnings.createIndex({ deliveryState: 1 }, { name: 'earlyWarnings_by_delivery' });
  // The leader's overview (core/services/leaderOverviewService.ts): cases by team, and by channel or chat.
  await c.leaderFacts.createIndex({ teamId: 1 }, { name: 'leaderFacts_by_team' });
  await c.leaderFacts.createIndex({ conversationId: 1 }, { name: 'leaderFacts_by_conversation' });
  // Reminders (core/persistence/reminderRepository.ts): planning queries and the reminder collections.
  await ensureReminderIndexes(db);
  // The child's voice (core/persistence/childVoiceRepository.ts): a case's entries, crash repair.
  await ensureChildVoiceIndexes(db);
}

export interface Database {
  client: MongoClient;
  db: Db;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * How long a request waits for a database that is not answering before the user is told to try
 * again: short, so that a restarting embedded database costs a quick, honest answer, not a hang.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 2_000;

/** True for the driver's errors that mean "the database is not reachable right now". */
export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof MongoServerSelectionError || error instanceof MongoNetworkError || error instanceof MongoTopologyClosedError;
}

/** One-off data migrations that have finished, by name (a start-up then reads one document, not the data). */
export const MIGRATIONS_COLLECTION = 'migrations';

/** Runs a one-off data migration unless this database records it as done; a migration that fails runs again next start. */
export async function runOnce(db: Db, name: string, migrate: () => Promise<unknown>): Promise<boolean> {
  const done = db.collection<{ _id: string; at: Date }>(MIGRATIONS_COLLECTION);
  if (await done.findOne({ _id: name })) return false;
  await migrate();
  await upsertById(done, { _id: name }, { $setOnInsert: { at: new Date() } });
  return true;
}

export async function connectDatabase(uri: string, dbName: string): Promise<Database> {
  // A short heartbeat notices a database that came back within a second.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS, heartbeatFrequencyMS: 500, appName: 'samspil' });
  await client.connect();
  const db = client.db(dbName);
  await ensureIndexes(db);
  await runOnce(db, 'postedCards.subject', () => new PostedCardRepository(collections(db).postedCards).backfillSubjects());
  return {
    client,
    db,
    async ping() {
      try {
        await db.command({ ping: 1 }, { timeoutMS: 1_000 });
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
