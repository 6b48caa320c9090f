import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Config } from '../app/config';
import type { Logger } from '../app/logger';
import { createAdapter } from '../bot/adapter';
import { createEchoBot } from '../bot/echoBot';

/**
 * The floor: a bot built like the app (same adapter factory, same restify set-up, same
 * handler class) that only echoes the text back. No database, no parsing, no cards.
 */
export async function startEchoServer(config: Config, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer({ name: 'samspil-bench-echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 256 * 1024 }));

  const adapter = createAdapter(config, logger);
  const bot = createEchoBot();
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
