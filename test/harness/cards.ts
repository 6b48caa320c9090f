import * as AC from 'adaptivecards';

/**
 * Validates a card with the adaptivecards SDK: parse errors (unknown elements or actions)
 * and property validation (duplicate IDs, inputs without an ID). Returns the problems found.
 */
export function cardProblems(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json as object, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    problems.push(`parse: ${context.getEventAt(i).message}`);
  }
  const results = card.validateProperties();
  for (const event of results.validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}

export function cardBytes(json: unknown): number {
  return Buffer.byteLength(JSON.stringify(json), 'utf8');
}

export const MAX_CARD_BYTES = 28 * 1024;
