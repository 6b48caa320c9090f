import { t, type MessageKey } from '../i18n';
import * as messages from '../i18n/messages/gdpr';
import { agreementStatusLabel, consentLabel, formatDateTime, formatDay, icsLabel, levelLabel, memberStatusLabel, roleLabel, areaLabel } from '../i18n/format';
import type { Role } from '../domain/roles';
import { ASSESSMENT_AREAS } from '../domain/scales';
import type { CaseSection, PersonExport } from './personExport';

/**
 * The Danish summary of an access export (GDPR art. 15): one self-contained HTML page, readable
 * without Samspil, with the full export as JSON at the end. Pure; every value is escaped.
 */

const L = 'da' as const;
const tx = (key: MessageKey, params: Record<string, string | number> = {}) => t(L, key, params);

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

type Cell = string | { html: string };
const cell = (value: Cell): string => (typeof value === 'string' ? escapeHtml(value) : value.html);
const when = (at: string | null | undefined): string => (at ? formatDateTime(L, at) : '–');

function table(headers: string[], rows: Cell[][]): string {
  if (rows.length === 0) return `<p class="none">${escapeHtml(tx('gdpr.html.none'))}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function facts(pairs: Array<[string, string]>): string {
  return `<dl>${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** A label for a stored key, or the key itself when the catalogue has none (a part added later). */
function label(prefix: string, key: string): string {
  const full = `${prefix}${key}`;
  return full in messages.da ? tx(full as MessageKey) : key;
}

const partLabel = (part: string): string => label('gdpr.part.', part.startsWith('export.') ? 'export' : part.replace(/\.professional$/, ''));
const readerRole = (role: Role | 'operator' | null): string => (role === 'operator' ? tx('gdpr.html.operator') : role ? roleLabel(L, role) : tx('gdpr.html.unknownRole'));

function historyText(entry: CaseSection['consentHistory'][number]): string {
  if (entry.event === 'member.added') return tx(entry.status === 'pending' ? 'gdpr.html.history.member.added.pending' : 'gdpr.html.history.member.added', { role: entry.role ? roleLabel(L, entry.role) : '' });
  return label('gdpr.html.history.', entry.event);
}

function caseHtml(c: CaseSection): string {
  const membership = c.membership.map((m) => [
    roleLabel(L, m.role) + (m.coordinator ? ` (${tx('gdpr.html.isCoordinator')})` : ''),
    memberStatusLabel(L, m.status),
    m.addedBy.name,
    when(m.addedAt),
    [consentLabel(L, m.consent.state), m.consent.byName, m.consent.at && when(m.consent.at), m.consent.reason].filter(Boolean).join(' · '),
    m.legalBasis ? `${m.legalBasis.text} (${m.legalBasis.byName}, ${when(m.legalBasis.at)})` : '–',
  ]);
  const w = c.wrote;
  return `<section>
<h2>${escapeHtml(tx('gdpr.html.case', { title: c.title }))}</h2>
${facts([
  [tx('gdpr.html.caseId'), c.caseId],
  [tx('gdpr.html.child'), c.childRef || '–'],
  [tx('gdpr.html.status'), t(L, c.status === 'open' ? 'case.status.open' : 'case.status.closed')],
  [tx('gdpr.html.created'), when(c.createdAt)],
  [tx('gdpr.html.closed'), when(c.closedAt)],
  [tx('gdpr.html.coordinator'), c.coordinatorName ?? '–'],
  [tx('gdpr.html.hold'), c.retentionHold ? `${c.retentionHold.reason} (${when(c.retentionHold.at)})` : tx('gdpr.html.noHold')],
])}
<h3>${escapeHtml(tx('gdpr.html.membership'))}</h3>
${table([tx('gdpr.html.role'), tx('gdpr.html.memberStatus'), tx('gdpr.html.addedBy'), tx('gdpr.html.addedAt'), tx('gdpr.html.consent'), tx('gdpr.html.legalBasis')], membership)}
<h3>${escapeHtml(tx('gdpr.html.consentHistory'))}</h3>
${table([tx('gdpr.html.when'), tx('gdpr.html.what'), tx('gdpr.html.who'), tx('gdpr.html.reason')], c.consentHistory.map((h) => [when(h.at), historyText(h), h.byName, h.reason ?? '']))}
<h3>${escapeHtml(tx('gdpr.html.wrote'))}</h3>
<h4>${escapeHtml(tx('gdpr.html.observations'))}</h4>
${table(
  [tx('gdpr.html.when'), tx('gdpr.html.area'), tx('gdpr.html.level'), tx('gdpr.html.text')],
  w.observations.map((o) => [when(o.at), icsLabel(L, o.area), levelLabel(L, o.level), o.professionalsOnly ? `${o.text} (${tx('gdpr.html.professionalsOnly')})` : o.text]),
)}
<h4>${escapeHtml(tx('gdpr.html.proposals'))}</h4>
${table([tx('gdpr.html.when'), tx('gdpr.html.what'), tx('gdpr.html.status')], w.agreementProposals.map((a) => [when(a.at), a.what, agreementStatusLabel(L, a.status)]))}
<h4>${escapeHtml(tx('gdpr.html.answers'))}</h4>
${table(
  [tx('gdpr.html.when'), tx('gdpr.html.round'), ...ASSESSMENT_AREAS.map((area) => areaLabel(L, area)), tx('gdpr.html.comment')],
  w.assessmentAnswers.map((a) => [when(a.at), a.round === null ? '–' : String(a.round), ...ASSESSMENT_AREAS.map((area) => levelLabel(L, a.ratings[area])), a.comment ?? '']),
)}
<h4>${escapeHtml(tx('gdpr.html.minutes'))}</h4>
${table([tx('gdpr.html.when'), tx('gdpr.html.what')], w.minutes.map((m) => [when(m.at), tx('gdpr.html.decisionsCount', { count: m.decisions })]))}
<h4>${escapeHtml(tx('gdpr.html.consentDecisions'))}</h4>
${table([tx('gdpr.html.when'), tx('gdpr.html.about'), tx('gdpr.html.what'), tx('gdpr.html.reason')], w.consentDecisions.map((d) => [when(d.at), d.role ? `${d.about} (${roleLabel(L, d.role)})` : d.about, label('gdpr.html.history.', d.decision), d.reason ?? '']))}
<h4>${escapeHtml(tx('gdpr.html.legalBases'))}</h4>
${table([tx('gdpr.html.when'), tx('gdpr.html.about'), tx('gdpr.html.text')], w.legalBases.map((b) => [when(b.at), b.about, b.text]))}
<h3>${escapeHtml(tx('gdpr.html.agreements'))}</h3>
<h4>${escapeHtml(tx('gdpr.html.owned'))}</h4>
${table([tx('gdpr.html.what'), tx('gdpr.html.status'), tx('gdpr.html.due'), tx('gdpr.html.followUp')], c.agreements.owned.map((a) => [a.what, agreementStatusLabel(L, a.status), formatDay(L, a.dueDate), formatDay(L, a.followUpDate)]))}
<h4>${escapeHtml(tx('gdpr.html.decided'))}</h4>
${table([tx('gdpr.html.when'), tx('gdpr.html.what'), tx('gdpr.html.status'), tx('gdpr.html.reason')], c.agreements.decided.map((d) => [when(d.at), d.what, agreementStatusLabel(L, d.to), d.reason ?? '']))}
<h3>${escapeHtml(tx('gdpr.html.accessLog'))}</h3>
<p>${escapeHtml(tx('gdpr.html.accessLogIntro'))}</p>
${table(
  [tx('gdpr.html.when'), tx('gdpr.html.who'), tx('gdpr.html.role'), tx('gdpr.html.part'), tx('gdpr.html.surface')],
  c.accessLog.map((e) => [when(e.at), e.byName, readerRole(e.byRole), partLabel(e.part), label('gdpr.surface.', e.surface)]),
)}
</section>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
section{border-top:2px solid #444;margin-top:2rem}.scope{font-weight:600}pre{white-space:pre-wrap;word-break:break-word;font-size:.8rem}`;

/** The whole page. `export` is embedded as JSON at the end, escaped like everything else. */
export function renderPersonExportHtml(exp: PersonExport): string {
  const p = exp.person;
  const person = facts([
    [tx('gdpr.html.names'), p.names.join(', ') || '–'],
    [tx('gdpr.html.userIds'), p.userIds.join(', ') || '–'],
    [tx('gdpr.html.aadObjectIds'), p.aadObjectIds.join(', ') || '–'],
  ]);
  return `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(tx('gdpr.html.title'))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(tx('gdpr.html.title'))}</h1>
<p>${escapeHtml(tx('gdpr.html.intro'))}</p>
<p>${escapeHtml(tx('gdpr.html.generated', { at: formatDateTime(L, exp.generatedAt), by: exp.generatedBy }))}</p>
${exp.scope === 'one-case' ? `<p>${escapeHtml(tx('gdpr.html.scopeCase'))}</p>` : ''}
<p class="scope">${escapeHtml(tx(exp.professionalContent.included ? 'gdpr.html.professionalIncluded' : 'gdpr.html.professionalExcluded'))}</p>
<h2>${escapeHtml(tx('gdpr.html.person'))}</h2>
${person}
${exp.cases.length ? exp.cases.map(caseHtml).join('\n') : `<p>${escapeHtml(tx('gdpr.html.noCases'))}</p>`}
<section>
<h2>${escapeHtml(tx('gdpr.html.data'))}</h2>
<pre>${escapeHtml(JSON.stringify(exp, null, 2))}</pre>
</section>
</body>
</html>
`;
}
