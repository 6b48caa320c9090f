import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import type { Config } from '../app/config';
import type { CaseConversationPort, Core } from '../core';
import { resolveLocale, t, type Locale } from '../core/i18n';
import { registerTabApi } from './api';
import type { MeetingInvitationsPort } from './meetingsApi';
import { loadTabAssets, type TabAssets } from './assets';
import { GraphDirectory, type Directory, type MsalOverrides } from './auth/graph';
import { DevTokenVerifier, EntraTokenVerifier, UnconfiguredVerifier, type TokenVerifier } from './auth/tokens';

export type { CaseConversationPort } from '../core';

export interface TabDependencies {
  core: Core;
  config: Config;
  logger: Logger;
  caseConversation?: CaseConversationPort;
  /** Sends a meeting's missing invitations (bot/meetings). */
  meetingInvitations?: MeetingInvitationsPort;
  /** Offline tests route msal-node to a local fake Entra ID through these. */
  msal?: MsalOverrides;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Where Teams (web, desktop, Outlook, microsoft365.com) may frame the tab. */
const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://*.microsoft365.com',
  'https://*.skype.com',
].join(' ');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // teams-js fetches its list of valid host domains from the Office CDN.
  "connect-src 'self' https://res.cdn.office.net",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  `frame-ancestors ${FRAME_ANCESTORS}`,
].join('; ');

export function createVerifier(config: Config, logger: Logger): TokenVerifier {
  if (config.TAB_AUTH_MODE === 'dev') {
    logger.warn('TAB_AUTH_MODE=dev: the tab accepts unsigned development tokens. Use this only on your own machine.');
    return new DevTokenVerifier();
  }
  if (!config.TAB_CLIENT_ID) {
    logger.warn('TAB_CLIENT_ID is not set: the tab API refuses every call until the tab’s Entra app is configured (see docs/tab.md).');
    return new UnconfiguredVerifier();
  }
  return new EntraTokenVerifier({
    clientId: config.TAB_CLIENT_ID,
    appIdUri: config.TAB_APP_ID_URI,
    allowedTenants: config.TAB_ALLOWED_TENANTS,
    jwksUri: config.TAB_JWKS_URI,
  });
}

function createDirectory(deps: TabDependencies): Directory | undefined {
  const { config } = deps;
  if (config.TAB_AUTH_MODE !== 'entra' || !config.TAB_CLIENT_ID || !config.TAB_CLIENT_SECRET) return undefined;
  return new GraphDirectory({ clientId: config.TAB_CLIENT_ID, clientSecret: config.TAB_CLIENT_SECRET, graphUrl: config.TAB_GRAPH_URL, msal: deps.msal, logger: deps.logger });
}

type PageName = 'content' | 'config' | 'leader';

function page(assets: TabAssets, locale: Locale, pageName: PageName, authMode: TokenVerifier['mode']): string {
  const banner =
    authMode === 'dev'
      ? `<div class="dev-banner" role="note"><strong>${escapeHtml(t(locale, 'tab.dev.bannerTitle'))}</strong> ${escapeHtml(t(locale, 'tab.dev.banner'))}</div>`
      : '';
  return `<!doctype html>
<html lang="${locale}" data-theme="default">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t(locale, 'tab.placeholder.title'))}</title>
<link rel="stylesheet" href="/tab/assets/samspil-tab.css?v=${assets.cssHash}">
<link rel="icon" href="data:,">
<script type="module" src="/tab/assets/samspil-tab.js?v=${assets.jsHash}"></script>
</head>
<body data-page="${pageName}" data-auth-mode="${authMode}">
${banner}
<main id="app" aria-busy="true" tabindex="-1"><p class="loading">${escapeHtml(t(locale, 'tab.loading'))}</p></main>
</body>
</html>`;
}

/** The tab: its pages, its bundled browser code, and its API under /tab/api. */
export async function registerTabRoutes(server: Server, deps: TabDependencies): Promise<void> {
  const assets = await loadTabAssets(deps.config.NODE_ENV === 'production');
  const verifier = createVerifier(deps.config, deps.logger);
  const directory = createDirectory(deps);

  const sendPage = (pageName: PageName) => async (req: Request, res: Response) => {
    const locale = resolveLocale(String(req.query?.locale ?? req.headers['accept-language'] ?? 'da'));
    const html = page(assets, locale, pageName, verifier.mode);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.end(html);
  };
  server.get('/tab', sendPage('content'));
  server.get('/tab/config', sendPage('config'));
  // The leader's overview: a personal (static) tab (docs/leader.md).
  server.get('/tab/leader', sendPage('leader'));

  server.get('/tab/assets/:name', async (req: Request, res: Response) => {
    const name = String((req.params as Record<string, unknown>).name ?? '');
    const file = assets.files.get(name);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    // Entry files are requested with ?v=<content hash>; chunk names carry their own hash.
    const entryHash = name.endsWith('.css') ? assets.cssHash : assets.jsHash;
    const immutable = name.startsWith('samspil-tab.') ? req.query?.v === entryHash : true;
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(file.body);
  });

  registerTabApi(server, { core: deps.core, logger: deps.logger, verifier, directory, caseConversation: deps.caseConversation, meetingInvitations: deps.meetingInvitations });
}
