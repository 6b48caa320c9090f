import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { AdaptiveCard } from './card';

/** A message carrying one Adaptive Card, with optional text above it. */
export const cardMessage = (card: AdaptiveCard, text?: string): Partial<Activity> => MessageFactory.attachment(CardFactory.adaptiveCard(card), text);
