import type { Case } from '../../core/domain/case';
import { t, type Locale, type MessageKey } from '../../core/i18n';
import { adaptiveCard, executeAction, paragraph, refreshFor, type AdaptiveCard, type CardElement } from './card';

/**
 * What a room gets when someone who may read it must not see the case: no title, no names, no
 * content, no buttons that only some may use. Members fetch their own view through `refresh`, or
 * by pressing "Vis mine muligheder"; the server authorizes that like every other action.
 */
export function neutralCard(locale: Locale, message: MessageKey, own: { verb: string; data: Record<string, unknown>; userIds: string[] }): AdaptiveCard {
  return adaptiveCard([paragraph(`**${t(locale, 'app.name')}**`), paragraph(t(locale, message))], {
    actions: [showMine(locale, own.verb, own.data)],
    refresh: refreshFor(own.verb, own.data, own.userIds),
  });
}

/** The one button the card everyone gets carries: it returns the clicker's own view. */
export const showMine = (locale: Locale, verb: string, data: Record<string, unknown>): CardElement => executeAction(t(locale, 'neutral.showMine'), verb, data);

/** The people whose clients fetch their own view of a case's cards: its active members. */
export const activeMemberIds = (kase: Case): string[] => kase.members.filter((m) => m.status === 'active').map((m) => m.userId);
