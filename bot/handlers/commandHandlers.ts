import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { Core } from '../../core';
import { DomainError } from '../../core/domain/errors';
import { decide } from '../../core/domain/policy';
import { t, type Locale } from '../../core/i18n';
import type { Command } from '../commands';
import { agreementFormCard, agreementListCard, tasksCard } from '../cards/agreementCards';
import { assessmentFormCard } from '../cards/assessmentCards';
import { cardMessage } from '../cards/message';
import { caseCard } from '../cards/caseCard';
import { helpCard } from '../cards/helpCard';
import { roleLabel } from '../../core/i18n/format';
import { consentRequestCard, membersCard } from '../cards/memberCards';
import { observationFormCard } from '../cards/observationCards';
import { timelineCard } from '../cards/timelineCard';
import { closeCaseCommand } from '../channels/commands';
import { actorOf, caseConversationOf } from '../turn';
import { personFromCommand } from './people';


type Handler<C extends Command['name']> = (context: TurnContext, core: Core, locale: Locale, command: Extract<Command, { name: C }>) => Promise<void>;

/** The case of the conversation the command was typed in. */
async function caseHere(context: TurnContext, core: Core) {
  const kase = await core.caseRepository.byConversation(caseConversationOf(context.activity).conversationId);
  if (!kase) throw new DomainError('error.noCase', {}, 'not_found');
  return kase;
}

async function person(context: TurnContext, who: string) {
  const found = await personFromCommand(context, who);
  if (!found) throw new DomainError('error.mentionMissing');
  return found;
}

/** One small handler per command; each calls the core and renders the answer. */
export const COMMAND_HANDLERS: { [C in Command['name']]: Handler<C> } = {
  help: async (context, _core, locale) => {
    await context.sendActivity(cardMessage(helpCard(locale)));
  },

  newCase: async (context, core, locale, { title, childRef }) => {
    const conversation = caseConversationOf(context.activity);
    if (conversation.kind === 'personal') {
      await context.sendActivity(t(locale, 'error.caseNeedsSharedConversation'));
      return;
    }
    const kase = await core.cases.createCase(actorOf(context.activity), conversation, { title, childRef });
    await context.sendActivity(cardMessage(caseCard(locale, kase), t(locale, 'case.created', { title: kase.title })));
  },

  case: async (context, core, locale) => {
    const kase = await core.cases.openCaseOfConversation(actorOf(context.activity), caseConversationOf(context.activity).conversationId);
    await context.sendActivity(cardMessage(caseCard(locale, kase)));
  },

  addMember: async (context, core, locale, { who, role, legalBasis }) => {
    const kase = await caseHere(context, core);
    const actor = actorOf(context.activity);
    await core.access.check(actor, kase, 'member.add');
    const target = await person(context, who);
    const change = await core.members.add(actor, kase._id, { ...target, role, legalBasis });
    const params = { name: change.member.name, role: roleLabel(locale, change.member.role) };
    if (change.member.status === 'pending') {
      await context.sendActivity(t(locale, 'members.added.pending', params));
      await context.sendActivity(cardMessage(consentRequestCard(locale, change.kase, change.member, change.guardiansToAsk)));
    } else {
      await context.sendActivity(t(locale, 'members.added.active', params));
    }
  },

  removeMember: async (context, core, locale, { who }) => {
    const kase = await caseHere(context, core);
    const actor = actorOf(context.activity);
    await core.access.check(actor, kase, 'member.remove');
    const target = await person(context, who);
    const change = await core.members.remove(actor, kase._id, target.userId);
    await context.sendActivity(t(locale, 'members.removed', { name: change.member.name }));
  },

  withdrawConsent: async (context, core, locale, { who }) => {
    const kase = await caseHere(context, core);
    const actor = actorOf(context.activity);
    await core.access.check(actor, kase, 'consent.withdraw');
    const target = await person(context, who);
    const change = await core.members.withdrawConsent(actor, kase._id, target.userId);
    await context.sendActivity(t(locale, 'consent.withdrawn', { guardian: actor.name, name: change.member.name }));
  },

  members: async (context, core, locale) => {
    const kase = await caseHere(context, core);
    const actor = actorOf(context.activity);
    const current = await core.members.list(actor, kase._id);
    await core.access.recordRead(actor, current, 'members');
    await context.sendActivity(cardMessage(membersCard(locale, current)));
  },

  observe: async (context, core, locale) => {
    const kase = await caseHere(context, core);
    const { member } = await core.access.check(actorOf(context.activity), kase, 'observation.create');
    const canMarkProfessionalOnly = decide(kase, member, 'observation.createProfessionalOnly').allowed;
    await context.sendActivity(cardMessage(observationFormCard(locale, kase, randomUUID(), canMarkProfessionalOnly)));
  },

  assess: async (context, core, locale) => {
    const kase = await caseHere(context, core);
    const { round, created } = await core.assessments.open(actorOf(context.activity), kase._id);
    if (!created) await context.sendActivity(t(locale, 'assess.alreadyOpen', { number: round.number }));
    await context.sendActivity(cardMessage(assessmentFormCard(locale, kase, round)));
  },

  agree: async (context, core, locale) => {
    const kase = await caseHere(context, core);
    await core.access.check(actorOf(context.activity), kase, 'agreement.propose');
    await context.sendActivity(cardMessage(agreementFormCard(locale, kase, randomUUID(), core.agreements.today())));
  },

  agreements: async (context, core, locale) => {
    const kase = await caseHere(context, core);
    const actor = actorOf(context.activity);
    const { agreements } = await core.agreements.listForCase(actor, kase._id);
    await core.access.recordRead(actor, kase, 'agreements');
    await context.sendActivity(cardMessage(agreementListCard(locale, kase, agreements, core.agreements.today())));
  },

  remindersDigest: async (context, core, locale, command) => {
    if (command.on === undefined) {
      await context.sendActivity(t(locale, 'reminder.digest.usage'));
      return;
    }
    await core.reminders.setDigest(actorOf(context.activity), command.on, locale);
    await context.sendActivity(command.on ? t(locale, 'reminder.digest.on', { time: core.reminders.hours.start }) : t(locale, 'reminder.digest.off'));
  },
  tasks: async (context, core, locale) => {
    const tasks = await core.agreements.listOwnedBy(actorOf(context.activity));
    await context.sendActivity(cardMessage(tasksCard(locale, tasks, core.agreements.today())));
  },

  timeline: async (context, core, locale, { page }) => {
    const kase = await caseHere(context, core);
    const view = await core.timeline.page(actorOf(context.activity), kase._id, page);
    await context.sendActivity(cardMessage(timelineCard(locale, view)));
  },

  // With case channels wired in (app/server.ts) SamspilBot lets ChannelCommands handle this, which also archives the channel.
  closeCase: async (context, core, locale) => {
    await closeCaseCommand(context, core, locale);
  },

  unknown: async (context, _core, locale, { text }) => {
    await context.sendActivity(text ? t(locale, 'hint.unknownCommand', { command: text.slice(0, 40) }) : t(locale, 'hint.empty'));
  },
};
