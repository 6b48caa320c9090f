import type { Server } from 'restify';
import { resolveLocale, t } from '../core/i18n';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The tab's placeholder page; the case overview replaces it. */
export function registerTabRoutes(server: Server): void {
  server.get('/tab', async (req, res) => {
    const locale = resolveLocale(String(req.query?.locale ?? req.headers['accept-language'] ?? 'da'));
    const html = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t(locale, 'tab.placeholder.title'))}</title></head>
<body><main><h1>${escapeHtml(t(locale, 'tab.placeholder.title'))}</h1><p>${escapeHtml(t(locale, 'tab.placeholder.body'))}</p></main></body>
</html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(html);
  });
}
