import type { INetworkModule } from '@azure/msal-node';
import type { Logger } from 'pino';
import type { Config } from '../../app/config';
import type { Core } from '../../core';
import { CaseChannels } from './caseChannels';
import { ChannelCommands } from './commands';
import { GraphClient, type GraphCredentials } from './graph';
import type { RoomPublisher } from '../audience/publisher';

/** msal-node's HTTP client; only offline tests replace it. */
export type GraphNetwork = INetworkModule;

/**
 * Graph's app-only calls are made as the app named in the manifest's webApplicationInfo, because
 * that is the app Teams grants resource-specific consent (Channel.Create.Group) to: the tab's own
 * registration when it has one, otherwise the bot's.
 */
export function graphCredentials(config: Config): GraphCredentials | undefined {
  if (config.TAB_CLIENT_ID && config.TAB_CLIENT_SECRET) return { clientId: config.TAB_CLIENT_ID, clientSecret: config.TAB_CLIENT_SECRET };
  if (config.MicrosoftAppId && config.MicrosoftAppPassword) return { clientId: config.MicrosoftAppId, clientSecret: config.MicrosoftAppPassword };
  return undefined;
}

export interface CaseChannelsSetup {
  config: Config;
  core: Core;
  logger: Logger;
  networkClient?: GraphNetwork;
  /** The publisher is built after the channels (it reads private channels' members through them). */
  publisher: () => RoomPublisher;
}

/** Wires case channels: the Graph client, the channel links, member sync on member events. */
export async function createChannelCommands({ config, core, logger, networkClient, publisher }: CaseChannelsSetup): Promise<ChannelCommands> {
  const graph = new GraphClient({
    baseUrl: config.GRAPH_BASE_URL,
    authorityHost: config.ENTRA_AUTHORITY_HOST,
    credentials: graphCredentials(config),
    networkClient,
    logger,
  });
  if (config.CASE_CHANNELS !== 'current' && !graph.configured) {
    logger.warn({ CASE_CHANNELS: config.CASE_CHANNELS }, 'case channels need Graph credentials (TAB_CLIENT_ID/TAB_CLIENT_SECRET or MicrosoftAppId/MicrosoftAppPassword); new cases stay in the current channel');
  }
  const channels = new CaseChannels(config.CASE_CHANNELS, graph, core, logger);
  channels.subscribe();
  channels.onMembersSynced = async (channelId) => {
    await publisher().rooms.channelMembersChanged(channelId);
    await publisher().resyncRoom(channelId);
  };
  return new ChannelCommands(core, channels, config.MicrosoftAppId ?? '', logger, publisher);
}
