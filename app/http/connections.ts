import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** The connection settings of the HTTP edge (app/config.ts; docs/edge.md has the reasons). */
export interface ConnectionLimits {
  /** An idle keep-alive connection is closed after this (Node adds one second of grace). */
  keepAliveTimeoutMs: number;
  /** The request line and headers must arrive within this; a new connection must start a request within it. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (the handler's own time is not counted). */
  requestTimeoutMs: number;
  /** Open connections per remote address; 0 = no limit. */
  maxConnectionsPerClient: number;
}

export interface ConnectionGuard {
  /** Open connections per remote address, for tests and health output. */
  openConnections(): number;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
const clientOf = (socket: Socket): string => (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');

const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * Applies the timeouts and the per-client connection cap to the Node HTTP server under restify.
 *
 * Node alone never closes a connection that opens and sends nothing (headersTimeout starts with the
 * first byte), so each new socket gets an inactivity deadline of `headersTimeoutMs` until its first
 * request arrives; after that Node's keep-alive, headers and request timeouts take over. A handler
 * that takes long (a bot turn that waits on the Bot Connector) is never cut off by these.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, logger: Logger): ConnectionGuard {
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // How often Node checks the headers and request deadlines (default 30 s, which would let a slow
  // client hold a connection for up to 30 s past them). Read when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));

  const open = new Map<string, number>();
  const refused = new Map<string, number>();
  let lastRefusalLog = 0;

  server.on('connection', (socket: Socket) => {
    const client = clientOf(socket);
    const count = open.get(client) ?? 0;
    if (limits.maxConnectionsPerClient > 0 && count >= limits.maxConnectionsPerClient) {
      socket.destroy();
      refused.set(client, (refused.get(client) ?? 0) + 1);
      const now = Date.now();
      if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
        lastRefusalLog = now;
        logger.warn({ refused: Object.fromEntries(refused), limit: limits.maxConnectionsPerClient }, 'connections refused: too many open connections from one client');
        refused.clear();
      }
      return;
    }
    open.set(client, count + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
    // Until the first request: a socket that stays silent is closed (the server's 'timeout'
    // handling destroys it, as nothing listens for the event).
    socket.setTimeout(limits.headersTimeoutMs);
  });
  server.on('request', (req) => {
    // From here on Node's own timers apply; this socket may wait on a slow handler.
    req.socket.setTimeout(0);
  });

  return {
    openConnections: () => [...open.values()].reduce((sum, n) => sum + n, 0),
  };
}
