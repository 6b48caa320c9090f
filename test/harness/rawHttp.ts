import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * HTTP and TCP as an abusive or broken client speaks it, for the edge tests: exact headers
 * (Content-Encoding, Content-Length, Transfer-Encoding), no connection pool, raw sockets.
 */

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

/**
 * One request on its own connection. With `Expect: 100-continue` the body is sent only after the
 * server says so, as curl does for large bodies; a server that answers first never gets it.
 */
export function rawRequest(url: string, { method = 'POST', headers = {}, body }: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const expectsContinue = Object.entries(headers).some(([k, v]) => k.toLowerCase() === 'expect' && /100-continue/i.test(String(v)));
    if (body === undefined) req.end();
    else if (expectsContinue) req.on('continue', () => req.end(body));
    else req.end(body);
  });
}

/** A raw TCP connection to the server, with the moment it was closed (by either side). */
export interface TrackedSocket {
  socket: Socket;
  openedAt: number;
  /** Resolves with the time the connection closed. */
  closed: Promise<number>;
  received(): string;
}

export function openSocket(port: number): Promise<TrackedSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const data: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => data.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.once('connect', () => resolve({ socket, openedAt: Date.now(), closed, received: () => Buffer.concat(data).toString('utf8') }));
    socket.once('error', reject);
  });
}

/** Resolves when `socket` has received at least one full HTTP response head. */
export async function waitForResponseHead(tracked: TrackedSocket, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!tracked.received().includes('\r\n\r\n')) {
    if (Date.now() > deadline) throw new Error('no response');
    await new Promise((r) => setTimeout(r, 10));
  }
  return tracked.received();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
