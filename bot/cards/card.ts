/** Minimal typing for the Adaptive Card JSON we build. Cards are plain data. */
export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardElement[];
  refresh?: CardElement;
  msteams?: Record<string, unknown>;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function adaptiveCard(body: CardElement[], extra: Partial<AdaptiveCard> = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...extra,
    msteams: { width: 'Full', ...extra.msteams },
  };
}

export const heading = (text: string): CardElement => ({ type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' });
export const paragraph = (text: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text, wrap: true, ...extra });
export const facts = (pairs: Array<[string, string]>): CardElement => ({
  type: 'FactSet',
  facts: pairs.map(([title, value]) => ({ title, value })),
});

/**
 * A Universal Action button. Teams clients that predate Universal Actions fall back to
 * Action.Submit with the same data, which reaches the bot as a message with `value`.
 */
export function executeAction(title: string, verb: string, data: Record<string, unknown>, extra: CardElement = {}): CardElement {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    ...extra,
    fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
  };
}

/** Teams allows at most 60 users in `refresh.userIds`. */
export const MAX_REFRESH_USERS = 60;

/**
 * Asks each listed person's Teams client to fetch their own view of the card (Universal Actions'
 * user-specific views). Everyone else keeps the card as posted.
 */
export function refreshFor(verb: string, data: Record<string, unknown>, userIds: string[]): CardElement {
  return { action: { type: 'Action.Execute', verb, data }, userIds: userIds.slice(0, MAX_REFRESH_USERS) };
}
