import { TeamsActivityHandler } from 'botbuilder';

/** The benchmark floor: the same handler class as SamspilBot, echoing the text, with no database. */
export function createEchoBot(): TeamsActivityHandler {
  const bot = new TeamsActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(context.activity.text ?? '');
    await next();
  });
  return bot;
}
