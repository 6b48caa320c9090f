import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../../core';
import type { Case } from '../../core/domain/case';
import { DomainError } from '../../core/domain/errors';
import { t, type Locale } from '../../core/i18n';
import type { EarlyWarningView } from '../../core/services/earlyWarningService';
import type { RoomPublisher } from '../audience/publisher';
import { agreementFormCard } from '../cards/agreementCards';
import type { AdaptiveCard } from '../cards/card';
import { DISMISS_REASON_INPUT, EARLY_WARNING_VERBS, earlyWarningCard } from '../cards/earlyWarningCard';
import { cardMessage } from '../cards/message';
import { actorOf } from '../turn';
import { warningLinks } from './links';

/**
 * Early warnings in the bot (docs/early-warning.md): the core raises them (it follows the case
 * histories); the bot sends each new warning's card to the coordinator's personal chat, through
 * the publisher's path for personal messages (the stored 1:1 chat, or one created through the
 * connector), never into the case's room. A send that fails is tried again by a sweep, from any
 * instance, until it is given up; the warning is in the tab overview either way.
 */

export interface EarlyWarningRuntime {
  /** Resolves when the card sends started so far are done (tests, shutdown). */
  idle(): Promise<void>;
  /** Sends every card that is due (new, to retry, or left by an instance that stopped). Returns how many were due. */
  sweep(): Promise<number>;
  stop(): void;
}

export interface EarlyWarningBotOptions {
  core: Core;
  publisher: RoomPublisher;
  logger: Logger;
  /** The Teams app ID, for deep links to the case's tab (TEAMS_APP_ID). */
  teamsAppId?: string;
  /** How often the sweep for due cards runs; 0 = only on demand. */
  sweepMs?: number;
}

/** The card for a warning, with links to the case and what set the warning off. */
export async function warningCard(core: Core, locale: Locale, warning: EarlyWarningView, kase: Case, teamsAppId: string | undefined): Promise<AdaptiveCard> {
  const record = await core.conversations.get(kase.conversation.conversationId);
  return earlyWarningCard(locale, { warning, caseTitle: kase.title, links: warningLinks(kase, record, warning, teamsAppId) });
}

export function startEarlyWarnings({ core, publisher, logger, teamsAppId, sweepMs = 60_000 }: EarlyWarningBotOptions): EarlyWarningRuntime {
  const log = logger.child({ component: 'earlyWarnings' });
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };

  async function deliver(warningId: string): Promise<void> {
    const claimed = await core.earlyWarnings.claimDelivery(warningId);
    if (!claimed) return;
    const { warning, kase, coordinator } = claimed;
    let sent = false;
    try {
      const record = await core.conversations.get(kase.conversation.conversationId);
      const locale: Locale = (await core.conversations.localeOf(coordinator.userId)) ?? 'da';
      if (!record) throw new Error('no stored reference for the case conversation');
      const card = earlyWarningCard(locale, { warning, caseTitle: kase.title, links: warningLinks(kase, record, warning, teamsAppId) });
      sent = await publisher.sendToPerson(
        { userId: coordinator.userId, name: coordinator.name, aadObjectId: coordinator.aadObjectId },
        { serviceUrl: record.serviceUrl, tenantId: kase.conversation.tenantId ?? record.tenantId },
        cardMessage(card, t(locale, 'earlyWarning.message', { title: kase.title })),
      );
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error), warningId }, 'could not send an early warning; it is tried again later');
    } finally {
      await core.earlyWarnings.deliveryDone(warningId, sent ? { sent: true, to: coordinator.userId } : { sent: false });
    }
  }

  core.changes.subscribe(
    (event) => {
      if (event.type === 'earlyWarning.raised') track(deliver(event.data.warningId));
    },
    (error) => log.error({ err: error }, 'could not send an early warning'),
  );

  const sweep = async () => {
    const due = await core.earlyWarnings.dueDeliveries();
    for (const id of due) await deliver(id);
    return due.length;
  };
  const timer = sweepMs > 0 ? setInterval(() => void track(sweep()).catch((error: unknown) => log.warn({ err: error }, 'early-warning sweep failed; it runs again')), sweepMs) : undefined;
  timer?.unref();

  return {
    async idle() {
      for (let round = 0; round < 5; round++) {
        await core.earlyWarnings.idle();
        if (inFlight.size === 0) return;
        await Promise.allSettled([...inFlight]);
      }
    },
    sweep: () => track(sweep()),
    stop: () => clearInterval(timer),
  };
}

type Handler = (context: TurnContext, locale: Locale, data: Record<string, unknown>) => Promise<AdaptiveCard>;

/**
 * The warning card's buttons. Only the case's coordinator may answer a warning (the core refuses
 * anyone else, and logs the refusal); each answer is recorded once, so double clicks are harmless.
 */
export function createEarlyWarningCardActions(core: Core, teamsAppId?: string): Record<string, Handler> {
  return {
    [EARLY_WARNING_VERBS.dismiss]: async (context, locale, data) => {
      const { warning, kase } = await core.earlyWarnings.dismiss(actorOf(context.activity), data.warningId, data[DISMISS_REASON_INPUT]);
      return warningCard(core, locale, warning, kase, teamsAppId);
    },
    [EARLY_WARNING_VERBS.act]: async (context, locale, data) => {
      const { warning, kase, form, repeated } = await core.earlyWarnings.act(actorOf(context.activity), data.warningId, data.action);
      if (form && !repeated) {
        // The form goes to this personal chat as a message of its own; submitting it proposes the
        // agreement in the case's room, where the family says yes or no.
        if (form.kind !== 'agreement') throw new DomainError('error.invalidAction');
        await context.sendActivity(cardMessage(agreementFormCard(locale, kase, form._id, core.agreements.today()), t(locale, 'earlyWarning.formSent', { title: kase.title })));
      }
      return warningCard(core, locale, warning, kase, teamsAppId);
    },
    [EARLY_WARNING_VERBS.refresh]: async (context, locale, data) => {
      const { warning, kase } = await core.earlyWarnings.get(actorOf(context.activity), data.warningId);
      return warningCard(core, locale, warning, kase, teamsAppId);
    },
  };
}
