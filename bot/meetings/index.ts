import type { Logger } from 'pino';
import type { Config } from '../../app/config';
import type { Core } from '../../core';
import type { RoomPublisher } from '../audience/publisher';
import { graphCredentials, type GraphNetwork } from '../channels';
import { GraphClient } from '../channels/graph';
import { GraphOnlineMeetings } from './graphMeetings';
import { startMeetingNotices, type MeetingNotices } from './notifier';

export type { MeetingNotices } from './notifier';

interface MeetingsSetup {
  config: Config;
  core: Core;
  publisher: RoomPublisher;
  logger: Logger;
  /** Offline tests route msal-node's calls to a fake Entra ID. */
  networkClient?: GraphNetwork;
}

/**
 * Wires case meetings (docs/meetings.md): Teams meetings through Graph with the app's credentials
 * (the same app as the case channels), and the messages that follow each change of a meeting.
 */
export function startMeetings({ config, core, publisher, logger, networkClient }: MeetingsSetup): MeetingNotices {
  const log = logger.child({ component: 'meetings' });
  const graph = new GraphClient({ baseUrl: config.GRAPH_BASE_URL, authorityHost: config.ENTRA_AUTHORITY_HOST, credentials: graphCredentials(config), networkClient, logger: log });
  if (!graph.configured) log.info('Teams meetings need Graph credentials (TAB_CLIENT_ID/TAB_CLIENT_SECRET or MicrosoftAppId/MicrosoftAppPassword); meetings are scheduled without a Teams link');
  core.meetings.useOnlineMeetings(new GraphOnlineMeetings(graph, log));
  return startMeetingNotices({ core, publisher, logger });
}
