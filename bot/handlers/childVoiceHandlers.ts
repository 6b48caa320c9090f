import { isChild } from '../../core/domain/childVoice';
import { t } from '../../core/i18n';
import { CHILD_VOICE_VERBS, childVoiceFormCard, childVoiceSavedCard, youthConsentCard } from '../cards/childVoiceCards';
import { cardMessage } from '../cards/message';
import { actorOf, caseConversationOf } from '../turn';
import type { CardActionHandler } from './cardActions';
import type { BotDependencies, CommandHandlers } from './commandHandlers';
import { caseOfTurn } from './handoverHandlers';

/**
 * `barnets stemme`: the form goes to the writer's own chat with the bot (a form belongs to the
 * person who asked for it, and a child's words are not typed in front of the room). The notice in
 * the room follows the entry's event (bot/handlers/notices.ts).
 */
export function createChildVoiceCommands(deps: BotDependencies): Pick<CommandHandlers, 'childVoice'> {
  const { core, publisher } = deps;
  return {
    childVoice: async (context, locale) => {
      const kase = await caseOfTurn(deps, context);
      const actor = actorOf(context.activity);
      const form = await core.childVoice.openForm(actor, kase._id);
      const card = childVoiceFormCard(locale, { caseId: kase._id, caseTitle: kase.title, formId: form.formId, hows: form.hows, canHide: form.canHide, child: isChild(form.member.role), today: form.today });
      const { activity } = context;
      const sent = await publisher.sendToPerson(
        { userId: actor.userId, name: actor.name, aadObjectId: actor.aadObjectId },
        { serviceUrl: activity.serviceUrl, tenantId: caseConversationOf(activity).tenantId },
        cardMessage(card),
      );
      await context.sendActivity(t(locale, sent ? 'childVoice.form.sentPrivately' : 'private.failed'));
    },
  };
}

export function createChildVoiceCardActions(deps: BotDependencies): Record<string, CardActionHandler> {
  const { core } = deps;
  return {
    [CHILD_VOICE_VERBS.submit]: async (context, locale, data) => {
      const { entry } = await core.childVoice.record(actorOf(context.activity), data.caseId, {
        formId: data.formId,
        house: data.house,
        text: data.text,
        how: data.how,
        date: data.date,
        professionalsOnly: data.professionalsOnly,
      });
      return childVoiceSavedCard(locale, entry);
    },
    [CHILD_VOICE_VERBS.youthConsent]: async (context, locale, data) => {
      const actor = actorOf(context.activity);
      const { kase, settings } = await core.childVoice.decideYouthConsent(actor, data.caseId, data.allowed);
      const request = await core.childVoice.youthRequest(kase._id);
      const professionals = (request?.professionals ?? []).map(({ member, allowed }) => ({ userId: member.userId, name: member.name, role: member.role, allowed }));
      return youthConsentCard(locale, { caseId: kase._id, caseTitle: kase.title, professionals }, settings.allowed.length);
    },
  };
}
