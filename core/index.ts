import type { Db } from 'mongodb';
import { collections } from './persistence/database';
import { CaseRepository } from './persistence/caseRepository';
import { ConversationRepository } from './persistence/conversationRepository';
import { EventRepository } from './persistence/eventRepository';
import { InboxRepository } from './persistence/inboxRepository';
import { CaseService, type Clock } from './services/caseService';

/** Everything the adapters (bot, tab) may use, wired to one database. */
export interface Core {
  cases: CaseService;
  conversations: ConversationRepository;
  events: EventRepository;
  caseRepository: CaseRepository;
  inbox: InboxRepository;
}

export function createCore(db: Db, now: Clock = () => new Date()): Core {
  const c = collections(db);
  const caseRepository = new CaseRepository(c.cases);
  const events = new EventRepository(c.events);
  return {
    cases: new CaseService(caseRepository, events, now),
    conversations: new ConversationRepository(c.conversations),
    events,
    caseRepository,
    inbox: new InboxRepository(c.inbox),
  };
}
