import type { Db } from 'mongodb';
import { collections } from './persistence/database';
import { AgreementRepository } from './persistence/agreementRepository';
import { AssessmentRepository } from './persistence/assessmentRepository';
import { CaseRepository } from './persistence/caseRepository';
import { ConversationRepository } from './persistence/conversationRepository';
import { EventRepository } from './persistence/eventRepository';
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
  events: EventRepository;
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
  const caseRepository = new CaseRepository(c.cases);
  const events = new EventRepository(c.events);
  const agreementRepository = new AgreementRepository(c.agreements);
  const observationRepository = new ObservationRepository(c.observations);
  const assessmentRepository = new AssessmentRepository(c.assessmentRounds, c.assessmentAnswers);
  const access = new CaseAccess(caseRepository, events, now);
  const forms = new FormService(new FormRepository(c.forms), access, now, {
    observation: async (id) => !!(await observationRepository.byId(id)),
    agreement: async (id) => !!(await agreementRepository.byId(id)),
  });
  return {
    now,
    access,
    cases: new CaseService(caseRepository, events, access, now),
    members: new MemberService(caseRepository, events, access, now),
    observations: new ObservationService(observationRepository, events, access, forms, now),
    assessments: new AssessmentService(assessmentRepository, events, access, now),
    agreements: new AgreementService(agreementRepository, caseRepository, events, access, forms, now),
    timeline: new TimelineService(events, access),
    reminders: new ReminderService(new ReminderRepository(db), agreementRepository, access, events, now, { caseLink: options.caseLink }),
    overview: new OverviewService(agreementRepository, observationRepository, assessmentRepository, new MeetingRepository(c.meetings), caseRepository, events, access, now),
    conversations: new ConversationRepository(c.conversations),
    events,
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
