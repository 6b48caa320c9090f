import type { Db } from 'mongodb';
import { collections, outboxCollections } from './persistence/database';
import { AgreementRepository } from './persistence/agreementRepository';
import { AssessmentRepository } from './persistence/assessmentRepository';
import { CaseRepository } from './persistence/caseRepository';
import { ConversationRepository } from './persistence/conversationRepository';
import { AccessLog } from './audit/accessLog';
import { AuditVerifier } from './audit/verifier';
import { AuditedWrites } from './audit/auditedWrites';
import { EventBus } from './audit/bus';
import { EventStore } from './audit/eventStore';
import { InboxRepository } from './persistence/inboxRepository';
import { ObservationRepository } from './persistence/observationRepository';
import { CaseAccess } from './services/access';
import { AgreementService } from './services/agreementService';
import { AssessmentService } from './services/assessmentService';
import { CaseService, type Clock } from './services/caseService';
import { MemberService } from './services/memberService';
import { ObservationService } from './services/observationService';
import { MeetingNoticeRepository, MeetingRepository, ScheduledMeetingRepository } from './persistence/meetingRepository';
import { MeetingService } from './services/meetingService';
import { OverviewService } from './services/overviewService';
import { TimelineService } from './services/timelineService';
import { ReminderRepository } from './persistence/reminderRepository';
import { ReminderService, type CaseLinkBuilder } from './reminders/service';
import { FormRepository } from './persistence/formRepository';
import { PostedCardRepository } from './persistence/postedCardRepository';
import { RoomRepository } from './persistence/roomRepository';
import { FormService } from './services/formService';
import { RetentionService } from './services/retentionService';
import { ChannelLinkRepository } from './persistence/channelLinkRepository';
import { ChannelLinkService } from './services/channelLinkService';
import { ConversationService } from './services/conversationService';
import { MinutesService } from './services/minutesService';
import { PostedCardService } from './services/postedCardService';
import { PendingPostRepository } from './persistence/pendingPostRepository';
import { ExportService } from './export/caseExport';
import { DEFAULT_GDPR_SETTINGS, GdprService, type GdprSettings } from './gdpr/gdprService';
import { GdprRepository } from './persistence/gdprRepository';
import { HandoverRepository } from './persistence/handoverRepository';
import { HandoverService, type UpcomingMeetingsHook } from './services/handoverService';
import { CHILD_VOICE_ENTRIES, CHILD_VOICE_SETTINGS, ChildVoiceRepository } from './persistence/childVoiceRepository';
import { ChildVoiceService, type ChildVoiceOptions } from './services/childVoiceService';
import type { ChildVoiceEntry, ChildVoiceSettings } from './domain/childVoice';
import { EarlyWarningRepository } from './persistence/earlyWarningRepository';
import { LeaderFactsRepository } from './persistence/leaderFactsRepository';
import { EarlyWarningService, type EarlyWarningOptions } from './services/earlyWarningService';
import { LeaderOverviewService, type LeaderSettings } from './services/leaderOverviewService';

/**
 * What the adapters (bot, tab) may use: services only. Every read of case content and every change
 * goes through them, so the access checks and the audit trail cannot be skipped. Repositories
 * are in `CoreInternals`, for the composition root (app/), tests and benchmarks.
 */
export interface Core {
  now: Clock;
  /** The one gate: membership, role policy and open case; reads and refusals into the access log. */
  access: CaseAccess;
  cases: CaseService;
  members: MemberService;
  observations: ObservationService;
  assessments: AssessmentService;
  agreements: AgreementService;
  timeline: TimelineService;
  /** Reminder planning, snooze and digest preference (core/reminders/); sending lives in bot/reminders/. */
  reminders: ReminderService;
  /** Read models for the tab (overview, meeting agenda, stage, minutes). */
  overview: OverviewService;
  /** Case meetings: scheduling, invitations and answers, moves, reminders, attendance, measures (docs/meetings.md). */
  meetings: MeetingService;
  /** Posting a meeting's minutes into the case conversation, and recording the meeting. */
  minutes: MinutesService;
  /** Forms handed out as cards; each belongs to the person who asked for it. */
  forms: FormService;
  /** The Teams channels created for cases. */
  channelLinks: ChannelLinkService;
  /** The bot's memory of its conversations: references, rosters, handled deliveries. */
  conversations: ConversationService;
  /** Messages posted into case conversations, so that they can be rendered again when things change. */
  postedCards: PostedCardService;
  /** Changes, once in their case's history, for side effects outside the core (cards, channels, reminders). */
  changes: Pick<EventBus, 'subscribe'>;
  /** A case as an HL7 FHIR R4 bundle (docs/fhir.md). */
  exports: ExportService;
  /** A person's rights under GDPR: access export, erasure on instruction, retention hold and review (docs/audit.md). */
  gdpr: GdprService;
  /** Walks every hash chain and keeps the outcome of each run (`/healthz/audit`, `npm run audit`). */
  verifier: AuditVerifier;
  /** Housekeeping run by the app: bookkeeping retention, and completing what a crash left in an outbox. */
  maintenance: { retention: RetentionService; repairOutboxes(): Promise<number> };
  /** Coordinator handover: proposals, answers, a case whose coordinator left, the new coordinator's summary (docs/handover.md). */
  handover: HandoverService;
  /** Barnets stemme: the child's own words in three houses (docs/child-voice.md). */
  childVoice: ChildVoiceService;
  /** Early warnings inside a case (docs/early-warning.md): rules after each observation and closed round, told to the coordinator once. */
  earlyWarnings: EarlyWarningService;
  /** A leader's overview across the cases of a unit: aggregates only (docs/leader.md). */
  leaderOverview: LeaderOverviewService;
}

/** The storage behind the services: for the composition root, tests and benchmarks, never for adapters. */
export interface CoreInternals {
  /** The cases' histories: a hash chain per case (core/audit). */
  events: EventStore;
  /** Who read which case, and who was refused: a hash chain per case, apart from the history. */
  accessLog: AccessLog;
  /** The one path of every state change with its event; `repair()` completes what a crash left. */
  audited: AuditedWrites;
  caseRepository: CaseRepository;
  agreementRepository: AgreementRepository;
  observationRepository: ObservationRepository;
  assessmentRepository: AssessmentRepository;
  conversations: ConversationRepository;
  inbox: InboxRepository;
  rooms: RoomRepository;
  postedCards: PostedCardRepository;
  scheduledMeetings: ScheduledMeetingRepository;
}

export interface CoreOptions {
  /** How reminder cards link to a case (a Teams deep link, provided by the bot). */
  caseLink?: CaseLinkBuilder;
  /** GDPR_EXPORT_PROFESSIONAL_CONTENT and RETENTION_YEARS (app/config.ts); defaults when absent. */
  gdpr?: Partial<GdprSettings>;
  /** The child's voice: whether a young person of 15+ decides which professionals read it (CHILD_VOICE_YOUTH_CONSENT). */
  childVoice?: ChildVoiceOptions;
  /** Upcoming meetings for the new coordinator's summary (the meetings service); none when absent. */
  upcomingMeetings?: UpcomingMeetingsHook;
  /** Whether early warnings run, and their rules (EARLY_WARNING_* in app/config.ts). */
  earlyWarning?: EarlyWarningOptions;
  /** Units and their leaders (LEADER_* in app/config.ts). */
  leader?: LeaderSettings;
}

export function createCore(db: Db, now: Clock = () => new Date(), options: CoreOptions = {}): Core {
  return createCoreWithInternals(db, now, options).core;
}

export function createCoreWithInternals(db: Db, now: Clock = () => new Date(), options: CoreOptions = {}): { core: Core; internals: CoreInternals } {
  const c = collections(db);
  const bus = new EventBus();
  const events = new EventStore(c.events, c.eventHeads, bus);
  const accessLog = new AccessLog(c.accessLog, c.accessHeads);
  const audited = new AuditedWrites(events);
  audited.register(...outboxCollections(db));
  const caseRepository = new CaseRepository(c.cases, audited);
  const agreementRepository = new AgreementRepository(c.agreements, audited);
  const observationRepository = new ObservationRepository(c.observations, audited);
  const assessmentRepository = new AssessmentRepository(c.assessmentRounds, c.assessmentAnswers, audited);
  const conversationRepository = new ConversationRepository(c.conversations);
  const inbox = new InboxRepository(c.inbox);
  const rooms = new RoomRepository(c.rooms);
  const postedCards = new PostedCardRepository(c.postedCards);
  const access = new CaseAccess(caseRepository, accessLog, now);
  const scheduledMeetings = new ScheduledMeetingRepository(c.scheduledMeetings, audited);
  const forms = new FormService(new FormRepository(c.forms), access, now, {
    observation: (id) => observationRepository.byId(id),
    agreement: (id) => agreementRepository.byId(id),
    meeting: (id) => scheduledMeetings.byId(id),
  });
  const reminders = new ReminderService(new ReminderRepository(db, audited), agreementRepository, access, now, { caseLink: options.caseLink, meetings: scheduledMeetings });
  const meetings = new MeetingService(scheduledMeetings, new MeetingNoticeRepository(c.meetingNotices), caseRepository, agreementRepository, assessmentRepository, access, forms, reminders, now);
  const overview = new OverviewService(agreementRepository, observationRepository, assessmentRepository, new MeetingRepository(c.meetings, audited), caseRepository, access, now, (caseId) => events.position(caseId));
  // Early warnings and the leader's overview (issue #14): both follow the histories once `follow` is called.
  const earlyWarningRepository = new EarlyWarningRepository(c.earlyWarnings, audited);
  const earlyWarnings = new EarlyWarningService(earlyWarningRepository, caseRepository, observationRepository, assessmentRepository, new AssessmentService(assessmentRepository, access, now), forms, access, bus, now, options.earlyWarning);
  overview.useEarlyWarnings((actor, kase) => earlyWarnings.forMember(actor, kase));
  // A meeting's agenda starts with the case's open early warnings (they may rest on professionals-only content).
  meetings.useEarlyWarnings(async (actor, kase) => ((await earlyWarnings.forMember(actor, kase)) ?? []).filter((w) => w.status === 'open').map((w) => ({ key: w.id, rule: w.rule, visibility: 'professionals' as const })));
  const leaderOverview = new LeaderOverviewService(new LeaderFactsRepository(c.leaderFacts, c.eventHeads, c.events), caseRepository, agreementRepository, assessmentRepository, earlyWarningRepository, scheduledMeetings, accessLog, bus, now, options.leader);
  earlyWarnings.afterChange((caseId) => leaderOverview.refreshCase(caseId));
  // Coordinator handover and the child's voice (issue #15): coordination lives on the case document.
  const childVoiceEntries = db.collection<ChildVoiceEntry>(CHILD_VOICE_ENTRIES);
  const childVoiceSettings = db.collection<ChildVoiceSettings>(CHILD_VOICE_SETTINGS);
  const handover = new HandoverService(new HandoverRepository(c.cases, audited, caseRepository), access, agreementRepository, assessmentRepository, observationRepository, now, { upcomingMeetings: options.upcomingMeetings ?? ((caseId, from) => meetings.upcomingOfCase(caseId, from)) });
  const childVoice = new ChildVoiceService(new ChildVoiceRepository(childVoiceEntries, childVoiceSettings, audited), access, (id) => caseRepository.byId(id), now, options.childVoice);
  // A meeting's agenda shows Barnets stemme as everyone in the meeting may read it; the meetings service authorizes and logs the read.
  meetings.useChildVoice((kase, readers) => childVoice.forAgenda(kase, readers));
  const core: Core = {
    now,
    access,
    cases: new CaseService(caseRepository, access, now),
    members: new MemberService(caseRepository, access, now),
    observations: new ObservationService(observationRepository, access, forms, now),
    assessments: new AssessmentService(assessmentRepository, access, now),
    agreements: new AgreementService(agreementRepository, caseRepository, access, forms, now),
    timeline: new TimelineService(events, access),
    reminders,
    overview,
    meetings,
    minutes: new MinutesService(overview, inbox),
    forms,
    channelLinks: new ChannelLinkService(new ChannelLinkRepository(c.caseChannels, audited)),
    conversations: new ConversationService(conversationRepository, rooms, inbox),
    postedCards: new PostedCardService(postedCards, new PendingPostRepository(c.pendingPosts)),
    changes: bus,
    handover,
    childVoice,
    exports: new ExportService({ caseRepository, agreementRepository, observationRepository, assessmentRepository, access, accessLog }, now),
    gdpr: new GdprService(new GdprRepository(db, audited), events, accessLog, access, now, { ...DEFAULT_GDPR_SETTINGS, ...options.gdpr }),
    // Verification runs are operational records: stamped by the wall clock, like the inbox.
    verifier: new AuditVerifier(events, accessLog, c.auditRuns, () => new Date(), async () => (await c.cases.distinct('_id')) as string[]),
    maintenance: { retention: new RetentionService({ inbox: c.inbox, forms: c.forms, rooms: c.rooms }, now), repairOutboxes: () => audited.repair() },
    earlyWarnings,
    leaderOverview,
  };
  const internals: CoreInternals = { events, accessLog, audited, caseRepository, agreementRepository, observationRepository, assessmentRepository, conversations: conversationRepository, inbox, rooms, postedCards, scheduledMeetings };
  return { core, internals };
}

export type { CaseConversationPort } from './ports';
export type { ConversationRecord } from './persistence/conversationRepository';
export type { PostedCard, PostSpec, SubjectRef } from './persistence/postedCardRepository';
export type { FormRecord } from './persistence/formRepository';
export type { ChannelLink } from './persistence/channelLinkRepository';
export { isDatabaseUnavailable } from './persistence/database';
export { RecentMap } from './recentMap';
