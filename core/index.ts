import type { Collection, Db, Document } from 'mongodb';
import { collections } from './persistence/database';
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
import { MeetingRepository } from './persistence/meetingRepository';
import { OverviewService } from './services/overviewService';
import { TimelineService } from './services/timelineService';
import { ReminderRepository } from './persistence/reminderRepository';
import { ReminderService, type CaseLinkBuilder } from './reminders/service';
import { FormRepository } from './persistence/formRepository';
import { PostedCardRepository } from './persistence/postedCardRepository';
import { RoomRepository } from './persistence/roomRepository';
import { FormService } from './services/formService';
import { RetentionService } from './services/retentionService';

/** Everything the adapters (bot, tab) may use, wired to one database. */
export interface Core {
  now: Clock;
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
  conversations: ConversationRepository;
  /** The cases' histories: a hash chain per case (core/audit). */
  events: EventStore;
  /** Who read which case, and who was refused: a hash chain per case, apart from the history. */
  accessLog: AccessLog;
  /** Walks every hash chain and keeps the outcome of each run (`/healthz/audit`, `npm run audit`). */
  verifier: AuditVerifier;
  /** The one path of every state change with its event; `repair()` completes what a crash left. */
  audited: AuditedWrites;
  caseRepository: CaseRepository;
  agreementRepository: AgreementRepository;
  observationRepository: ObservationRepository;
  assessmentRepository: AssessmentRepository;
  inbox: InboxRepository;
  /** Forms handed out as cards; each belongs to the person who asked for it. */
  forms: FormService;
  /** Who can read each conversation (rosters), as last read from Teams. */
  rooms: RoomRepository;
  /** Messages posted into case conversations, so that they can be rendered again when things change. */
  postedCards: PostedCardRepository;
  /** Removes bookkeeping that only grows (handled activity IDs, old forms, stale rosters). */
  retention: RetentionService;
}

export interface CoreOptions {
  /** How reminder cards link to a case (a Teams deep link, provided by the bot). */
  caseLink?: CaseLinkBuilder;
}

export function createCore(db: Db, now: Clock = () => new Date(), options: CoreOptions = {}): Core {
  const c = collections(db);
  const bus = new EventBus();
  const events = new EventStore(c.events, c.eventHeads, bus);
  const accessLog = new AccessLog(c.accessLog, c.accessHeads);
  const audited = new AuditedWrites(events);
  audited.register(...([c.cases, c.observations, c.agreements, c.assessmentRounds, c.assessmentAnswers, c.meetings] as unknown as Array<Collection<Document>>));
  const caseRepository = new CaseRepository(c.cases, audited);
  const agreementRepository = new AgreementRepository(c.agreements, audited);
  const observationRepository = new ObservationRepository(c.observations, audited);
  const assessmentRepository = new AssessmentRepository(c.assessmentRounds, c.assessmentAnswers, audited);
  const access = new CaseAccess(caseRepository, accessLog, now);
  const forms = new FormService(new FormRepository(c.forms), access, now, {
    observation: async (id) => !!(await observationRepository.byId(id)),
    agreement: async (id) => !!(await agreementRepository.byId(id)),
  });
  return {
    now,
    access,
    cases: new CaseService(caseRepository, access, now),
    members: new MemberService(caseRepository, access, now),
    observations: new ObservationService(observationRepository, access, forms, now),
    assessments: new AssessmentService(assessmentRepository, access, now),
    agreements: new AgreementService(agreementRepository, caseRepository, access, forms, now),
    timeline: new TimelineService(events, access),
    reminders: new ReminderService(new ReminderRepository(db), agreementRepository, access, events, now, { caseLink: options.caseLink }),
    overview: new OverviewService(agreementRepository, observationRepository, assessmentRepository, new MeetingRepository(c.meetings, audited), caseRepository, access, now),
    conversations: new ConversationRepository(c.conversations),
    events,
    accessLog,
    // Verification runs are operational records: stamped by the wall clock, like the inbox.
    verifier: new AuditVerifier(events, accessLog, c.auditRuns, () => new Date(), async () => (await c.cases.distinct('_id')) as string[]),
    audited,
    caseRepository,
    agreementRepository,
    observationRepository,
    assessmentRepository,
    inbox: new InboxRepository(c.inbox),
    forms,
    rooms: new RoomRepository(c.rooms),
    postedCards: new PostedCardRepository(c.postedCards),
    retention: new RetentionService({ inbox: c.inbox, forms: c.forms, rooms: c.rooms }, now),
  };
}
