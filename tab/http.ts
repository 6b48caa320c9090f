import type { Request, Response } from 'restify';
import { resolveLocale, type Locale } from '../core/i18n';
import type { TabIdentity } from './auth/tokens';

/**
 * The tab API's request helpers, shared by tab/api.ts and the route modules it registers
 * (handover, child's voice, leader, meetings).
 */

/** What the tab API's `call` wrapper hands a handler: the request, the verified caller, their language. */
export interface CallContext {
  req: Request;
  identity: TabIdentity;
  locale: Locale;
}

/** The tab API's `call` wrapper (tab/api.ts): token checked, refusals localized, the handler's value sent as JSON. */
export type TabCall = (handler: (ctx: CallContext) => Promise<unknown>) => (req: Request, res: Response) => Promise<void>;

/** The JSON body as an object; anything else (none, an array, a scalar) as an empty one. */
export const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});

/** A path parameter, unchecked: the core validates it. */
export const param = (req: Request, name: string): unknown => (req.params as Record<string, unknown> | undefined)?.[name];

/** A query parameter, if given and not empty. */
export const query = (req: Request, name: string): string | undefined => {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The language of what the tab posts into the conversation: the one the tab shows, if it says. */
export const cardLocaleOf = (req: Request, fallback: Locale): Locale => {
  const raw = body(req).locale;
  return typeof raw === 'string' ? resolveLocale(raw) : fallback;
};

/** An error for the log: its name and the start of its message, never a whole payload. */
export const describeError = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : String(error).slice(0, 300));
