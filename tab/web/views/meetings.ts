import { agendaVoiceHouses } from '../../../core/domain/childVoice';
import type { AgendaItem } from '../../../core/domain/meeting';
import { AGENDA_TEXT_MAX, DEFAULT_DURATION, DURATION_CHOICES, NOTE_MAX, PLACE_MAX, REASON_MAX } from '../../../core/domain/meeting';
import type { MeetingList, MeetingView, ParticipantView } from '../../../core/services/meetingService';
import { formatDay, formatWhen } from '../../../core/i18n/format';
import { agendaText } from '../../../core/i18n/meetingText';
import { ApiError, type TabApi } from '../api';
import { h, replaceChildren, uid, type Child } from '../dom';
import { locale, tr, trKey } from '../i18n';
import { act, empty, errorBox, errorText, section, statusRegion } from './parts';

/**
 * Case meetings in the tab (docs/meetings.md): upcoming meetings in the overview and the side panel,
 * the case's meetings with the coordinator's scheduling form, and one meeting: answers, proposals,
 * the agenda (the coordinator edits it), the coordinator's tools, attendance after the start, and
 * the minutes tied to it. Everything is decided again by the server on every click.
 */

export interface MeetingLinks {
  list: string;
  meeting: (id: string) => string;
  minutes?: (id: string) => string;
  back?: string;
}

const when = (iso: string) => formatWhen(locale(), iso);

/** An agenda point in words, as the bot's cards say it (core/i18n/meetingText.ts). */
const agendaLabel = (item: AgendaItem): string => agendaText(locale(), item);

const answersLine = (m: MeetingView) => tr('meeting.card.answers', { accepted: m.counts.accepted, declined: m.counts.declined, pending: m.counts.pending });
const whereLine = (m: MeetingView) => [m.place, m.teams ? tr('meeting.card.teams') : undefined].filter(Boolean).join(' · ') || '–';

function meetingRow(m: MeetingView, links: MeetingLinks): HTMLElement {
  return h(
    'li',
    { class: 'meeting', 'data-meeting': m.id, 'data-status': m.status },
    h('a', { href: links.meeting(m.id), 'aria-label': tr('tab.meetings.open', { when: when(m.startsAt) }) }, h('strong', {}, when(m.startsAt))),
    h('div', { class: 'small muted' }, whereLine(m)),
    m.status === 'cancelled' ? h('div', { class: 'small warn' }, tr('meeting.card.cancelled')) : h('div', { class: 'small' }, answersLine(m)),
    m.viewer.myAnswer ? h('div', { class: 'small' }, tr('tab.meetings.mine', { answer: trKey(`meeting.answer.${m.viewer.myAnswer}`) })) : null,
  );
}

/** The overview's and the side panel's section: the next meetings, loaded on their own. */
export function meetingsSection(api: TabApi, caseId: string, links: MeetingLinks, max = 5): HTMLElement {
  const holder = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, tr('tab.loading')));
  void api
    .get<MeetingList>(`/cases/${encodeURIComponent(caseId)}/meetings`)
    .then((list) =>
      replaceChildren(
        holder,
        list.upcoming.length ? h('ul', { class: 'cards compact meetings' }, list.upcoming.slice(0, max).map((m) => meetingRow(m, links))) : empty(tr('tab.meetings.none')),
        h('p', {}, h('a', { href: links.list, class: 'button-link' }, list.canSchedule ? tr('tab.meetings.schedule') : tr('tab.meetings.all'))),
      ),
    )
    .catch((error: unknown) => replaceChildren(holder, errorBox(errorText(error))))
    .finally(() => holder.removeAttribute('aria-busy'));
  return section('meetings', tr('tab.meetings.upcoming'), holder);
}

const field = (label: string, control: HTMLElement): HTMLElement => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);

/** The case's meetings, and the coordinator's form to schedule one. */
export async function renderMeetings(root: HTMLElement, api: TabApi, caseId: string, links: MeetingLinks, message?: string): Promise<void> {
  const path = `/cases/${encodeURIComponent(caseId)}/meetings`;
  const list = await api.get<MeetingList>(path);
  const status = statusRegion();
  const formId = crypto.randomUUID();
  let form: HTMLFormElement | null = null;
  if (list.canSchedule) {
    const date = h('input', { id: uid('meeting-date'), type: 'date', required: true, min: list.today });
    const time = h('input', { id: uid('meeting-time'), type: 'time', required: true });
    const duration = h('select', { id: uid('meeting-duration') }, DURATION_CHOICES.map((minutes) => h('option', { value: String(minutes), selected: minutes === DEFAULT_DURATION }, tr('meeting.minutes', { minutes }))));
    const place = h('input', { id: uid('meeting-place'), maxlength: PLACE_MAX });
    const teams = h('input', { id: uid('meeting-teams'), type: 'checkbox' });
    const people = list.candidates.filter((c) => !c.coordinator);
    const boxes = people.map((c) => ({ id: c.userId, box: h('input', { id: uid('meeting-who'), type: 'checkbox', checked: true, value: c.userId }) }));
    const error = h('div', { class: 'form-error', 'aria-live': 'assertive' });
    form = h(
      'form',
      {
        class: 'stack',
        onsubmit: act(
          error,
          () =>
            api.post(path, {
              formId,
              date: date.value,
              time: time.value,
              durationMinutes: Number(duration.value),
              place: place.value,
              teams: teams.checked,
              participantIds: boxes.filter((b) => b.box.checked).map((b) => b.id),
            }),
          () => renderMeetings(root, api, caseId, links, tr('tab.meetings.scheduled')),
        ),
      },
      h('p', { class: 'small muted' }, tr('meeting.form.intro')),
      field(tr('meeting.form.date'), date),
      field(tr('meeting.form.time'), time),
      field(tr('meeting.form.duration'), duration),
      field(tr('meeting.form.place'), place),
      h('div', { class: 'field checkbox' }, teams, h('label', { for: teams.id }, tr('meeting.form.teams'))),
      h(
        'fieldset',
        {},
        h('legend', {}, tr('meeting.form.participants')),
        boxes.map(({ id, box }) => {
          const person = people.find((c) => c.userId === id)!;
          return h('div', { class: 'field checkbox' }, box, h('label', { for: box.id }, `${person.name} (${trKey(`role.${person.role}`)})`));
        }),
      ),
      error,
      h('button', { type: 'submit', class: 'button primary' }, tr('meeting.form.submit')),
    );
  }
  replaceChildren(
    root,
    h('header', { class: 'case-header' }, h('h1', {}, tr('meeting.list.title', { title: list.caseTitle }))),
    status,
    section('meetings-upcoming', tr('tab.meetings.upcoming'), list.upcoming.length ? h('ul', { class: 'cards meetings' }, list.upcoming.map((m) => meetingRow(m, links))) : empty(tr('tab.meetings.none'))),
    form ? section('meeting-schedule', tr('tab.meetings.schedule'), form) : null,
    list.past.length ? section('meetings-past', tr('tab.meetings.past'), h('ul', { class: 'cards compact meetings' }, list.past.map((m) => meetingRow(m, links)))) : null,
    links.back ? h('p', {}, h('a', { href: links.back, class: 'button-link' }, tr('tab.meetings.back'))) : null,
  );
  if (message) status.textContent = message;
}

/** One meeting, for this viewer. */
export async function renderMeeting(root: HTMLElement, api: TabApi, caseId: string, meetingId: string, links: MeetingLinks, message?: string, focus?: string): Promise<void> {
  const path = `/cases/${encodeURIComponent(caseId)}/meetings/${encodeURIComponent(meetingId)}`;
  const m = await api.get<MeetingView>(path);
  const status = statusRegion();
  const redraw = (done: string, focusId?: string) => () => renderMeeting(root, api, caseId, meetingId, links, done, focusId);
  const post = (suffix: string, body: unknown = {}) => () => api.post(`${path}${suffix}`, body);
  const live = m.status === 'scheduled' && !m.viewer.started;

  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, tr('meeting.card.when')),
    h('dd', {}, when(m.startsAt)),
    h('dt', {}, tr('meeting.card.duration')),
    h('dd', {}, tr('meeting.minutes', { minutes: m.durationMinutes })),
    h('dt', {}, tr('meeting.card.where')),
    h('dd', {}, whereLine(m)),
  );
  const join = m.online?.joinUrl && m.status === 'scheduled' ? h('p', {}, h('a', { href: m.online.joinUrl, target: '_blank', rel: 'noopener noreferrer', class: 'button-link' }, tr('meeting.card.join'))) : null;
  const noTeams = m.viewer.coordinator && m.online && ['not_allowed', 'not_configured', 'no_organizer', 'failed'].includes(m.online.state) ? h('p', { class: 'note' }, trKey(`meeting.noTeams.${m.online.state}`)) : null;

  replaceChildren(
    root,
    h('header', { class: 'case-header' }, h('h1', { tabindex: '-1', id: 'meeting-heading' }, tr('tab.meeting.heading', { when: when(m.startsAt) })), h('p', { class: 'muted' }, m.caseTitle)),
    status,
    m.status === 'cancelled'
      ? h('p', { class: 'warn', role: 'note' }, tr('meeting.card.cancelled'), m.cancelled?.reason ? ` ${tr('meeting.card.reason', { reason: m.cancelled.reason })}` : '')
      : h('p', {}, answersLine(m)),
    facts,
    join,
    noTeams,
    m.viewer.participant && m.viewer.canAnswer ? section('meeting-answer', tr('tab.meetings.answers'), ...answerPart(m, status, post, redraw)) : null,
    section('meeting-participants', tr('meeting.card.participants'), participantList(m)),
    section('meeting-agenda', tr('meeting.card.agenda'), ...agendaPart(m, api, path, status, redraw), voicePart(m)),
    m.proposals.length ? section('meeting-proposals', tr('tab.meeting.proposals'), proposalList(m, status, post, redraw)) : null,
    m.viewer.canManage && live ? section('meeting-tools', tr('meeting.coordinator.actions'), ...toolsPart(m, status, post, redraw)) : null,
    m.status === 'scheduled' && m.viewer.started ? section('meeting-attendance', tr('tab.meeting.attendance'), ...attendancePart(m, status, post, redraw)) : null,
    section(
      'meeting-minutes',
      tr('tab.meeting.minutes'),
      m.minutesId ? h('p', {}, tr('meeting.card.minutes')) : null,
      m.viewer.started && links.minutes && m.status === 'scheduled' ? h('p', {}, h('a', { href: links.minutes(m.id), class: 'button-link' }, tr('tab.meeting.minutes.write'))) : null,
      !m.minutesId && !m.viewer.started ? empty() : null,
    ),
    h('p', {}, h('a', { href: links.list, class: 'button-link' }, tr('tab.meetings.backToList'))),
  );
  if (message) status.textContent = message;
  if (focus) root.querySelector<HTMLElement>(`#${focus}`)?.focus();
}

/**
 * Barnets stemme on the agenda (docs/child-voice.md): per house the newest entries everyone in the
 * meeting may read, in full, then what was left out and why. Nothing for a viewer who does not read
 * the child's voice (the server sends none) or when there is nothing to say.
 */
function voicePart(m: MeetingView): HTMLElement | null {
  const voice = m.childVoice;
  const houses = agendaVoiceHouses(voice);
  if (!voice || !houses) return null;
  const headingId = uid('meeting-voice');
  return h(
    'section',
    { class: 'child-voice agenda-voice', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, tr('childVoice.title')),
    houses.length ? h('p', { class: 'small muted' }, tr('childVoice.agenda.hint')) : null,
    houses.map(({ house, entries, more }) =>
      h(
        'div',
        { class: `house house-${house}`, 'data-house': house },
        h('h4', {}, trKey(`childVoice.house.${house}`)),
        h(
          'ul',
          { class: 'cards compact' },
          entries.map((entry) =>
            h(
              'li',
              { class: 'voice-entry', 'data-entry': entry.id },
              h('p', { class: 'voice-text' }, entry.text),
              h('p', { class: 'small muted' }, `${formatDay(locale(), entry.date)} · ${tr('childVoice.entry.by', { name: entry.authorName, role: trKey(`role.${entry.authorRole}`) })} · ${trKey(`childVoice.how.${entry.how}`)}`),
            ),
          ),
        ),
        more > 0 ? h('p', { class: 'small muted' }, tr('childVoice.agenda.more', { count: more })) : null,
      ),
    ),
    voice.withheld > 0 ? h('p', { class: 'small muted', 'data-withheld': String(voice.withheld) }, tr('childVoice.agenda.withheld', { count: voice.withheld })) : null,
    voice.network ? h('p', { class: 'small muted' }, tr('childVoice.agenda.network')) : null,
  );
}

type Post = (suffix: string, body?: unknown) => () => Promise<unknown>;
type Redraw = (done: string, focusId?: string) => () => Promise<void>;

function answerPart(m: MeetingView, status: HTMLElement, post: Post, redraw: Redraw): Child[] {
  const mine = m.viewer.myAnswer ?? 'pending';
  const reason = h('textarea', { id: uid('answer-reason'), maxlength: REASON_MAX, rows: 2 });
  const date = h('input', { id: uid('propose-date'), type: 'date', required: true });
  const time = h('input', { id: uid('propose-time'), type: 'time', required: true });
  const note = h('input', { id: uid('propose-note'), maxlength: NOTE_MAX });
  const mineProposal = m.proposals.find((p) => p.mine && p.status === 'open');
  return [
    h('p', { class: 'strong' }, trKey(`meeting.state.${mine}`)),
    mineProposal ? h('p', { class: 'small' }, tr('meeting.state.proposed', { when: when(mineProposal.startsAt) })) : null,
    mine !== 'accepted' ? h('button', { type: 'button', class: 'button primary', onclick: act(status, post('/answer', { answer: 'accepted' }), redraw(tr('tab.meeting.answered'), 'meeting-heading')) }, tr('meeting.invite.accept')) : null,
    h(
      'form',
      { class: 'stack', onsubmit: act(status, () => post('/answer', { answer: 'declined', reason: reason.value })(), redraw(tr('tab.meeting.answered'), 'meeting-heading')) },
      field(tr('meeting.invite.reason'), reason),
      h('button', { type: 'submit', class: 'button' }, tr('meeting.invite.decline')),
    ),
    h(
      'form',
      { class: 'stack', onsubmit: act(status, () => post('/proposals', { date: date.value, time: time.value, note: note.value })(), redraw(tr('tab.meetings.timeProposed'), 'meeting-heading')) },
      h('p', { class: 'strong' }, tr('meeting.invite.propose')),
      field(tr('meeting.invite.proposeDate'), date),
      field(tr('meeting.invite.proposeTime'), time),
      field(tr('meeting.invite.proposeNote'), note),
      h('button', { type: 'submit', class: 'button' }, tr('meeting.invite.proposeSend')),
    ),
  ];
}

function participantList(m: MeetingView): HTMLElement {
  const line = (p: ParticipantView) =>
    h(
      'li',
      { class: 'member', 'data-member': p.userId, 'data-answer': p.answer },
      h('span', { class: 'name' }, p.name),
      p.me ? h('span', { class: 'muted' }, ` (${tr('tab.you')})`) : null,
      h('div', { class: 'small muted' }, trKey(`role.${p.role}`)),
      h('div', { class: 'small' }, p.attendance ? trKey(`meeting.attendance.${p.attendance}`) : trKey(`meeting.answer.${p.answer}`), m.viewer.coordinator && m.status === 'scheduled' && !m.viewer.started ? ` · ${trKey(`tab.meeting.invitation.${p.invitation}`)}` : ''),
      p.reason ? h('div', { class: 'small' }, tr('meeting.card.reason', { reason: p.reason })) : null,
    );
  return h('ul', { class: 'members' }, m.participants.map(line));
}

function agendaPart(m: MeetingView, api: TabApi, path: string, status: HTMLElement, redraw: Redraw): Child[] {
  const shown = h(
    'ol',
    { class: 'agenda' },
    m.agenda.map((item) => h('li', { 'data-kind': item.kind }, agendaLabel(item), item.visibility === 'professionals' ? h('span', { class: 'badge private' }, tr('meeting.agenda.professionalsOnly')) : null)),
  );
  if (!m.viewer.canManage || m.status !== 'scheduled') return [m.agenda.length ? shown : empty(tr('meeting.agenda.empty'))];

  // The coordinator's editor: keep, order, remove and add points; save sends the list as it should be.
  let items: Array<{ id?: string; text: string; professionalsOnly?: boolean; kind: string }> = m.agenda.map((a) => ({ id: a.id, text: agendaLabel(a), kind: a.kind }));
  const list = h('ol', { class: 'agenda editable' });
  const drawList = () =>
    replaceChildren(
      list,
      items.map((item, index) =>
        h(
          'li',
          { 'data-kind': item.kind },
          h('span', {}, item.text),
          item.professionalsOnly ? h('span', { class: 'badge private' }, tr('meeting.agenda.professionalsOnly')) : null,
          h(
            'span',
            { class: 'actions' },
            h('button', { type: 'button', class: 'button small', disabled: index === 0, 'aria-label': `${tr('tab.meeting.agenda.up')}: ${item.text}`, onclick: () => ((items = swap(items, index, index - 1)), drawList()) }, '↑'),
            h('button', { type: 'button', class: 'button small', disabled: index === items.length - 1, 'aria-label': `${tr('tab.meeting.agenda.down')}: ${item.text}`, onclick: () => ((items = swap(items, index, index + 1)), drawList()) }, '↓'),
            h('button', { type: 'button', class: 'button small', 'aria-label': `${tr('tab.meeting.agenda.remove')}: ${item.text}`, onclick: () => ((items = items.filter((_, i) => i !== index)), drawList()) }, tr('tab.meeting.agenda.remove')),
          ),
        ),
      ),
    );
  drawList();
  const text = h('input', { id: uid('agenda-text'), maxlength: AGENDA_TEXT_MAX });
  const privateBox = h('input', { id: uid('agenda-private'), type: 'checkbox' });
  const add = h(
    'form',
    {
      class: 'stack',
      onsubmit: (event: Event) => {
        event.preventDefault();
        if (!text.value.trim()) return;
        items = [...items, { text: text.value.trim(), professionalsOnly: privateBox.checked, kind: 'custom' }];
        text.value = '';
        privateBox.checked = false;
        drawList();
        text.focus();
      },
    },
    field(tr('tab.meeting.agenda.add'), text),
    m.viewer.professional ? h('div', { class: 'field checkbox' }, privateBox, h('label', { for: privateBox.id }, tr('tab.meeting.agenda.professionalsOnly'))) : null,
    h('button', { type: 'submit', class: 'button' }, tr('tab.meeting.agenda.addButton')),
  );
  const save = h(
    'button',
    {
      type: 'button',
      class: 'button primary',
      onclick: act(status, () => api.post(`${path}/agenda`, { items: items.map((i) => (i.id ? { id: i.id } : { text: i.text, professionalsOnly: i.professionalsOnly })) }), redraw(tr('tab.meeting.agenda.saved'), 'meeting-agenda-heading')),
    },
    tr('tab.meeting.agenda.save'),
  );
  const rebuild = h(
    'button',
    {
      type: 'button',
      class: 'button',
      onclick: act(
        status,
        async () => {
          const { items: suggested } = await api.get<{ items: AgendaItem[] }>(`${path}/agenda/suggested`);
          const custom = items.filter((i) => i.kind === 'custom');
          items = [...suggested.map((a) => ({ id: a.id, text: agendaLabel(a), kind: a.kind })), ...custom];
        },
        async () => drawList(),
      ),
    },
    tr('tab.meeting.agenda.rebuild'),
  );
  return [list, add, h('div', { class: 'actions' }, save, rebuild)];
}

function swap<T>(list: T[], a: number, b: number): T[] {
  const copy = [...list];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy;
}

function proposalList(m: MeetingView, status: HTMLElement, post: Post, redraw: Redraw): HTMLElement {
  return h(
    'ul',
    { class: 'cards compact' },
    m.proposals.map((p) => {
      const reason = h('input', { id: uid('proposal-reason'), maxlength: REASON_MAX, required: true });
      const decide = m.viewer.canManage && p.status === 'open' && m.status === 'scheduled' && !m.viewer.started;
      return h(
        'li',
        { 'data-proposal': p.id, 'data-status': p.status },
        h('p', {}, tr('tab.meeting.proposal.by', { name: p.byName, when: when(p.startsAt) }), ' · ', trKey(`tab.meeting.proposal.status.${p.status}`)),
        p.note ? h('p', { class: 'small' }, tr('meeting.coordinator.note', { note: p.note })) : null,
        p.reason ? h('p', { class: 'small' }, tr('meeting.card.reason', { reason: p.reason })) : null,
        decide
          ? h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', class: 'button primary', onclick: act(status, post(`/proposals/${encodeURIComponent(p.id)}/accept`), redraw(tr('tab.meeting.proposal.accepted'), 'meeting-heading')) }, tr('meeting.coordinator.acceptProposal', { to: when(p.startsAt) })),
              h(
                'form',
                { class: 'decline', onsubmit: act(status, () => post(`/proposals/${encodeURIComponent(p.id)}/decline`, { reason: reason.value })(), redraw(tr('tab.meeting.proposal.declined'), 'meeting-heading')) },
                field(tr('meeting.coordinator.declineReason', { name: p.byName }), reason),
                h('button', { type: 'submit', class: 'button' }, tr('meeting.coordinator.declineProposal')),
              ),
            )
          : null,
      );
    }),
  );
}

function toolsPart(m: MeetingView, status: HTMLElement, post: Post, redraw: Redraw): Child[] {
  const date = h('input', { id: uid('move-date'), type: 'date', required: true });
  const time = h('input', { id: uid('move-time'), type: 'time', required: true });
  const link = h('input', { id: uid('meeting-link'), type: 'url', required: true, maxlength: 2000 });
  const cancelReason = h('input', { id: uid('cancel-reason'), maxlength: REASON_MAX });
  const missing = m.participants.filter((p) => p.invitation !== 'sent' && !(m.viewer.coordinator && p.me)).length;
  return [
    missing ? h('button', { type: 'button', class: 'button', onclick: act(status, post('/invitations'), redraw(tr('tab.meeting.resent'))) }, tr('tab.meeting.resend')) : null,
    h(
      'form',
      { class: 'stack', onsubmit: act(status, () => post('/move', { date: date.value, time: time.value })(), redraw(tr('tab.meeting.moved'), 'meeting-heading')) },
      h('p', { class: 'strong' }, tr('tab.meeting.move')),
      field(tr('meeting.form.date'), date),
      field(tr('meeting.form.time'), time),
      h('button', { type: 'submit', class: 'button' }, tr('tab.meeting.move')),
    ),
    m.online?.joinUrl
      ? null
      : h(
          'form',
          { class: 'stack', onsubmit: act(status, () => post('/link', { url: link.value })(), redraw(tr('tab.meeting.linkSaved'))) },
          field(tr('meeting.coordinator.linkLabel'), link),
          h('button', { type: 'submit', class: 'button' }, tr('meeting.coordinator.addLink')),
        ),
    h(
      'form',
      { class: 'stack', onsubmit: act(status, () => post('/cancel', { reason: cancelReason.value })(), redraw(tr('tab.meeting.cancelled'), 'meeting-heading')) },
      field(tr('meeting.coordinator.cancelReason'), cancelReason),
      h('button', { type: 'submit', class: 'button' }, tr('tab.meeting.cancel')),
    ),
  ];
}

function attendancePart(m: MeetingView, status: HTMLElement, post: Post, redraw: Redraw): Child[] {
  const recorded = m.attendance ? h('p', { class: 'small muted' }, tr('tab.meeting.attendance.recorded', { source: trKey(`tab.meeting.attendance.source.${m.attendance.source}`), name: m.attendance.byName, when: when(m.attendance.at) })) : null;
  if (!m.viewer.canManage) return [recorded ?? empty()];
  const note = h('p', { class: 'note', role: 'status' });
  const fetchTeams = m.teams
    ? h(
        'button',
        {
          type: 'button',
          class: 'button',
          onclick: act(
            status,
            async () => {
              const result = (await post('/attendance/teams')()) as { fetched: boolean; reason?: string };
              if (!result.fetched) throw new ApiError(409, trKey(`tab.meeting.attendance.${result.reason ?? 'failed'}`), result.reason ?? 'failed');
            },
            redraw(tr('tab.meeting.attendance.fetched')),
          ),
        },
        tr('tab.meeting.attendance.fetch'),
      )
    : null;
  const boxes = m.participants.map((p) => ({ p, box: h('input', { id: uid('present'), type: 'checkbox', checked: p.attendance === 'present', value: p.userId }) }));
  const form = h(
    'form',
    { class: 'stack', onsubmit: act(status, () => post('/attendance', { present: boxes.filter((b) => b.box.checked).map((b) => b.p.userId) })(), redraw(tr('tab.meeting.attendance.saved'))) },
    h('p', { class: 'small muted' }, tr('tab.meeting.attendance.help')),
    h(
      'fieldset',
      {},
      h('legend', {}, tr('meeting.attendance.present')),
      boxes.map(({ p, box }) => h('div', { class: 'field checkbox' }, box, h('label', { for: box.id }, p.name))),
    ),
    h('button', { type: 'submit', class: 'button primary' }, tr('tab.meeting.attendance.save')),
  );
  return [recorded, fetchTeams, note, form];
}

/** Links to the meeting views of the same page, keeping the host's parameters (the fake host's too). */
export function meetingLinks(): MeetingLinks {
  const link = (params: Record<string, string | undefined>) => {
    const url = new URL(location.href);
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) url.searchParams.delete(key);
      else url.searchParams.set(key, value);
    }
    return `${url.pathname}${url.search}${url.hash}`;
  };
  return {
    list: link({ view: 'meetings', meetingId: undefined }),
    meeting: (id) => link({ view: 'meeting', meetingId: id }),
    minutes: (id) => link({ view: 'minutes', meetingId: id }),
    back: link({ view: undefined, meetingId: undefined }),
  };
}
