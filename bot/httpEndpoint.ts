import type { CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { SamspilBot } from './samspilBot';

/**
 * The smallest shape an activity must have before botbuilder sees it. botbuilder throws
 * (and would answer 500) on some malformed bodies; we answer 400 with a reason instead.
 */
const inboundActivity = z
  .object({
    type: z.string().min(1).max(100),
    id: z.string().max(500).optional(),
    channelId: z.string().min(1).max(100),
    serviceUrl: z.string().url().max(2000),
    from: z.object({ id: z.string().min(1).max(500), name: z.string().max(500).optional(), aadObjectId: z.string().max(100).optional() }).passthrough(),
    conversation: z.object({ id: z.string().min(1).max(1000) }).passthrough(),
    recipient: z.object({ id: z.string().min(1).max(500) }).passthrough(),
    text: z.string().max(28_000).optional(),
    locale: z.string().max(20).optional(),
  })
  .passthrough();

export function registerBotRoutes(server: Server, adapter: CloudAdapter, bot: SamspilBot, logger: Logger): void {
  server.post('/api/messages', async (req: Request, res: Response) => {
    const parsed = inboundActivity.safeParse(req.body);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
      res.status(400);
      res.json({ error: 'invalid_activity', message: `Not a valid Bot Framework activity (${reason}).` });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      logger.error({ err: error }, 'activity processing failed');
      if (!res.headersSent) {
        res.status(500);
        res.json({ error: 'internal_error' });
      }
    }
  });
}
