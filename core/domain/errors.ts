import type { MessageKey } from '../i18n';

/**
 * A refusal the user should see. It carries a message key and parameters, never a
 * pre-rendered text, so that each adapter can render it in the user's language.
 */
export class DomainError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly kind: 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable' = 'invalid',
  ) {
    super(key);
    this.name = 'DomainError';
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
