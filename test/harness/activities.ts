import { createHash, randomUUID } from 'node:crypto';

/** Teams-shaped activities, as Teams sends them to a bot. */

export interface TestUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export const BOT = { id: '28:samspil-bot', name: 'Samspil' };
export const TENANT_ID = 'tenant-kommune-0001';
export const TEAM = { id: '19:team-skole@thread.tacv2', name: 'Skovbakkeskolen – trivsel', aadGroupId: '7c1b0d7e-0000-4000-8000-00000000a001' };

export function makeUser(name: string): TestUser {
  const id = randomUUID();
  return { id: `29:${name.toLowerCase().replace(/\W+/g, '-')}-${id.slice(0, 8)}`, name, aadObjectId: id };
}

export function channelId(label: string): string {
  return `19:${label}-${randomUUID().slice(0, 8)}@thread.tacv2`;
}

type Activity = Record<string, unknown>;

interface Common {
  serviceUrl: string;
  from: TestUser;
  locale?: string;
  id?: string;
}

function base({ serviceUrl, from, locale = 'da-DK', id }: Common): Activity {
  return {
    id: id ?? `act-${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: BOT.id, name: BOT.name },
  };
}

/**
 * A person's 1:1 chat with the bot, as Teams names it: an opaque `a:1…` ID, one per person (the
 * chat they write from is the one `createConversation` returns for them), never containing their IDs.
 */
export const personalChatIdOf = (user: { id: string }): string => `a:1${createHash('sha256').update(user.id).digest('base64url').slice(0, 43)}`;

export function personalMessage(text: string, opts: Common): Activity {
  return {
    ...base(opts),
    type: 'message',
    text,
    conversation: { id: personalChatIdOf(opts.from), conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
  };
}

/** A channel message @mentioning the bot; only team, channel and tenant IDs come in channelData. */
export function channelMessage(text: string, opts: Common & { channel: string; mention?: boolean; threadRoot?: string }): Activity {
  const mention = opts.mention ?? true;
  const root = opts.threadRoot ?? String(Date.now());
  return {
    ...base(opts),
    type: 'message',
    text: mention ? `<at>${BOT.name}</at> ${text}` : text,
    entities: mention ? [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: BOT.name } }] : [],
    conversation: { id: `${opts.channel};messageid=${root}`, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
    channelData: { team: { id: TEAM.id }, channel: { id: opts.channel }, tenant: { id: TENANT_ID } },
  };
}

export function groupChatMessage(text: string, opts: Common & { chatId: string }): Activity {
  return {
    ...base(opts),
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: BOT.name } }],
    conversation: { id: opts.chatId, conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
  };
}

/** The bot being installed in a team: the only event that carries the team's name and aadGroupId. */
export function installInTeam(opts: Common & { channel?: string }): Activity {
  const channel = opts.channel ?? TEAM.id;
  return {
    ...base(opts),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    conversation: { id: channel, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
    channelData: { eventType: 'teamMemberAdded', team: { id: TEAM.id, name: TEAM.name, aadGroupId: TEAM.aadGroupId }, tenant: { id: TENANT_ID } },
  };
}

/** An `Action.Execute` click: the `adaptiveCard/action` invoke. */
export function cardAction(verb: string, data: Record<string, unknown>, opts: Common & { conversationId: string; conversationType?: string; replyToId?: string }): Activity {
  return {
    ...base(opts),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: opts.replyToId,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' },
    conversation: {
      id: opts.conversationId,
      conversationType: opts.conversationType ?? 'channel',
      isGroup: (opts.conversationType ?? 'channel') !== 'personal',
      tenantId: TENANT_ID,
    },
    channelData: { tenant: { id: TENANT_ID } },
  };
}
