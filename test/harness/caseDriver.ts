import { cardAction, channelId, channelMessage, type TestUser } from './activities';
import type { TestApp } from './testApp';

/**
 * Drives one case channel through the real server: typed commands and card clicks,
 * returning what the fake connector received. Keeps the e2e tests about behaviour.
 */
export class CaseDriver {
  readonly channel: string;
  caseId = '';

  constructor(
    private readonly t: TestApp,
    readonly coordinator: TestUser,
    label = 'case',
  ) {
    this.channel = channelId(label);
  }

  async create(title = 'Trivsel for AB / AB'): Promise<this> {
    await this.say(this.coordinator, `ny sag ${title}`);
    const kase = await this.t.app.core.caseRepository.byConversation(this.channel);
    if (!kase) throw new Error('case was not created');
    this.caseId = kase._id;
    return this;
  }

  /** Sends a channel message and returns the activities the bot sent in reply. */
  async say(from: TestUser, text: string, options: { mentions?: TestUser[]; locale?: string } = {}): Promise<Array<Record<string, any>>> {
    const activity = channelMessage(text, { serviceUrl: this.t.connector.url, from, channel: this.channel, locale: options.locale });
    if (options.mentions?.length) {
      activity.text = `${activity.text} ${options.mentions.map((m) => `<at>${m.name}</at>`).join(' ')}`;
      (activity.entities as unknown[]).push(...options.mentions.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })));
    }
    const before = this.t.connector.sentActivities.length;
    const result = await this.t.post(activity);
    if (result.status !== 200) throw new Error(`message got HTTP ${result.status}`);
    return this.t.connector.sentActivities.slice(before).map((c) => c.activity as Record<string, any>);
  }

  /** Clicks an Action.Execute button; returns the invoke response body and what the bot sent meanwhile. */
  async click(from: TestUser, verb: string, data: Record<string, unknown>, options: { locale?: string; id?: string } = {}) {
    const before = this.t.connector.sentActivities.length;
    const updatesBefore = this.t.connector.updatedActivities.length;
    const result = await this.t.post(cardAction(verb, data, { serviceUrl: this.t.connector.url, from, conversationId: `${this.channel};messageid=1`, locale: options.locale, id: options.id }));
    return {
      httpStatus: result.status,
      body: result.body as Record<string, any>,
      statusCode: (result.body as Record<string, any>)?.statusCode as number,
      card: (result.body as Record<string, any>)?.value as Record<string, any>,
      message: (result.body as Record<string, any>)?.value?.message as string | undefined,
      sent: this.t.connector.sentActivities.slice(before).map((c) => c.activity as Record<string, any>),
      updates: this.t.connector.updatedActivities.slice(updatesBefore),
    };
  }

  async kase() {
    return (await this.t.app.core.caseRepository.byId(this.caseId))!;
  }
}

export const textOf = (activities: Array<Record<string, any>>) => activities.map((a) => a.text ?? '').join('\n');
export const cardsOf = (activities: Array<Record<string, any>>) => activities.flatMap((a) => (a.attachments ?? []).map((x: Record<string, any>) => x.content));
