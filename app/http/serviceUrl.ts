import { isIPv4 } from 'node:net';

/**
 * Where the bot may send its replies when it runs without an app ID (local mode: Agents Playground,
 * tests, your own machine). An activity's `serviceUrl` is where botbuilder POSTs the replies; without
 * token checks anyone who can reach the port chooses it, so it must stay on this machine.
 * With an app ID the Bot Connector signs the serviceUrl into the token instead (bot/httpEndpoint.ts).
 */

export interface Endpoint {
  host: string;
  port: number;
}

const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
};

const portOf = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** `127.0.0.1`, `localhost` and `::1` are one machine. */
const sameMachineHost = (host: string): string => (isLoopbackHost(host) || host === '0.0.0.0' || host === '[::]' ? 'loopback' : host.toLowerCase());

/**
 * The reason a local-mode serviceUrl is refused, or undefined when it is a loopback http(s) URL that
 * is not one of `denied` (the database, this server itself).
 */
export function localServiceUrlProblem(serviceUrl: string, denied: Endpoint[] = []): string | undefined {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not http(s)';
  if (url.username || url.password) return 'carries credentials';
  if (!isLoopbackHost(url.hostname)) return 'not on this machine (local mode accepts loopback hosts only)';
  const port = portOf(url);
  if (denied.some((d) => sameMachineHost(d.host) === 'loopback' && d.port === port)) return 'points at a service of this app';
  return undefined;
}

/** host:port pairs of a MongoDB connection string (`mongodb://a:1,b:2/…`), for the denied list. */
export function mongoEndpoints(uri: string): Endpoint[] {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  if (!match) return [];
  return match[1]!.split(',').flatMap((hostPort) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort.trim());
    return m ? [{ host: m[1]!, port: m[2] ? Number(m[2]) : 27017 }] : [];
  });
}
