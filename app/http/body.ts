import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Next, Request, Response } from 'restify';

/**
 * The only request bodies Samspil reads: JSON, uncompressed, of bounded size and nesting depth,
 * kept in memory and never written to disk. It replaces restify's bodyParser, which accepts
 * multipart (written to temp files before any route runs), urlencoded and compressed bodies, and
 * counts compressed bytes against its limit. See docs/edge.md.
 */

/** Activities: Teams messages are at most about 28 KB of text; cards, mentions and channel data fit well below this. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;
/** The tab API's bodies are small forms (an agreement, a form ID). */
export const MAX_TAB_BODY_BYTES = 32 * 1024;
/** Deeper JSON than any activity or form has; refusing it keeps recursive code (zod, BSON, JSON.stringify) safe. */
export const MAX_JSON_DEPTH = 64;

/** An answer the edge gives instead of running the route. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The body was not read to its end: close the connection after answering. */
    readonly closeConnection = false,
  ) {
    super(message);
  }

  get body(): { error: string; message: string } {
    return { error: this.code, message: this.message };
  }
}

/** Sends a refusal as a short JSON error; closes the connection if an unread body is still coming. */
export function sendRefusal(res: ServerResponse, refusal: HttpRefusal, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = JSON.stringify(refusal.body);
  const all: Record<string, string | number> = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), 'Cache-Control': 'no-store', ...headers };
  if (refusal.closeConnection) all.Connection = 'close';
  res.writeHead(refusal.status, all);
  res.end(payload);
}

/** Whether the request carries a body (a non-zero Content-Length, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/** `application/json`, optionally with `charset=utf-8`; anything else is another media type. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => parameter === '' || /^charset="?utf-8"?$/.test(parameter));
}

/**
 * Checks the headers of a request before anything else runs: the media type must be JSON (when
 * there is a body, or always with `requireJson`), and the body must not be compressed.
 */
export function checkBodyHeaders(req: IncomingMessage, { requireJson = false } = {}): HttpRefusal | undefined {
  const body = hasBody(req);
  if ((body || requireJson) && !isJsonContentType(req.headers['content-type'])) {
    return new HttpRefusal(415, 'unsupported_media_type', 'Only application/json (UTF-8) is accepted.', body);
  }
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') return new HttpRefusal(415, 'unsupported_content_encoding', 'Compressed request bodies are not accepted.', body);
  return undefined;
}

/** Nesting depth of a JSON text, without parsing it (strings may contain brackets). */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON body of at most `maxBytes`, after `checkBodyHeaders` passed. A declared
 * Content-Length over the limit is refused without reading; a chunked body is cut off at the limit.
 * Resolves `undefined` for an empty body. Sends `100 Continue` only now, so a client that waits for
 * it (curl does for large bodies) never sends a body the edge refused on its headers.
 */
export function readJsonBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new HttpRefusal(413, 'body_too_large', `The body is larger than ${maxBytes} bytes.`, true));
  }
  if (!hasBody(req)) return Promise.resolve(undefined);
  if (/100-continue/i.test(String(req.headers.expect ?? ''))) res.writeContinue();

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: HttpRefusal | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(new HttpRefusal(413, 'body_too_large', `The body is larger than ${maxBytes} bytes.`, true));
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (size === 0) return finish(undefined, undefined);
      let text: string;
      try {
        text = utf8.decode(Buffer.concat(chunks, size));
      } catch {
        return finish(new HttpRefusal(400, 'invalid_json', 'The body is not UTF-8 text.'));
      }
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return finish(new HttpRefusal(400, 'invalid_json', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`));
      try {
        finish(undefined, JSON.parse(text));
      } catch {
        finish(new HttpRefusal(400, 'invalid_json', 'The body is not valid JSON.'));
      }
    };
    const onError = () => finish(new HttpRefusal(400, 'aborted', 'The request was aborted.', true));
    const onClose = () => finish(new HttpRefusal(400, 'aborted', 'The request was aborted.', true));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * restify middleware for every route except those in `skip` (the bot endpoint reads its own body
 * after checking the caller's token): a body must be JSON within `maxBytes`, and lands in `req.body`.
 */
export function jsonBodyParser({ maxBytes, skip = () => false }: { maxBytes: number; skip?: (req: Request) => boolean }) {
  // restify wants callback-style middleware when it takes `next`.
  return function jsonBody(req: Request, res: Response, next: Next): void {
    if (skip(req)) return next();
    const refused = checkBodyHeaders(req);
    if (refused) {
      sendRefusal(res, refused);
      return next(false);
    }
    readJsonBody(req, res, maxBytes).then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => {
        if (error instanceof HttpRefusal && error.code !== 'aborted') sendRefusal(res, error);
        else res.destroy();
        next(false);
      },
    );
  };
}
