import { CHILD_VOICE_TEXT_MAX, HOUSES } from '../../../core/domain/childVoice';
import type { ChildVoiceView, EntryView } from '../../../core/services/childVoiceService';
import { formatDay } from '../../../core/i18n/format';
import type { TabApi } from '../api';
import { h, replaceChildren, uid, type Child } from '../dom';
import { locale, tr, trKey } from '../i18n';
import { act, empty, errorBox, errorText, section, statusRegion } from './parts';

const newFormId = () => crypto.randomUUID();

/**
 * Barnets stemme in the overview (docs/child-voice.md): the three houses in plain words, the form
 * for whoever may write (a child gets the friendliest one), and, when the setting is on, the
 * coordinator's "15 or older" mark and the young person's own choice of who may read along.
 */
export function childVoiceSection(api: TabApi, caseId: string): HTMLElement {
  const path = `/cases/${encodeURIComponent(caseId)}/child-voice`;
  const holder = h('div', { class: 'child-voice', 'aria-busy': 'true' }, h('p', { class: 'muted' }, tr('tab.loading')));
  const status = statusRegion();

  /** Sends a form (tab/web/views/parts.ts `act`), then redraws with `done` in the status region. */
  const submit = (run: () => Promise<unknown>, done: string) => act(status, run, () => draw(done));

  const draw = async (message?: string): Promise<void> => {
    holder.setAttribute('aria-busy', 'true');
    try {
      const view = await api.get<ChildVoiceView>(path);
      replaceChildren(holder, ...render(view));
    } catch (error) {
      replaceChildren(holder, errorBox(errorText(error)));
    } finally {
      holder.removeAttribute('aria-busy');
    }
    if (message) status.textContent = message;
  };

  function render(view: ChildVoiceView): Child[] {
    return [
      h('p', {}, tr(view.viewer.isYoungPerson ? 'childVoice.introChild' : 'childVoice.intro')),
      view.youth.waiting ? h('p', { class: 'small warn' }, tr('childVoice.youth.waiting')) : null,
      view.withheld > 0 ? h('p', { class: 'small muted' }, tr('childVoice.withheld', { count: view.withheld })) : null,
      h(
        'div',
        { class: 'board houses' },
        view.houses.map(({ house, entries }) => {
          const headingId = uid(`house-${house}`);
          return h(
            'section',
            { class: `house house-${house}`, 'aria-labelledby': headingId, 'data-house': house },
            h('h3', { id: headingId }, trKey(`childVoice.house.${house}`)),
            h('p', { class: 'small muted' }, trKey(`childVoice.houseHint.${house}`)),
            entries.length ? h('ul', { class: 'cards' }, entries.map(entryItem)) : empty(tr('childVoice.none')),
          );
        }),
      ),
      view.viewer.canRecord ? writeForm(view) : null,
      view.viewer.canMarkAge ? ageForm(view) : null,
      view.viewer.canDecideYouthConsent ? consentForm(view) : null,
    ];
  }

  function writeForm(view: ChildVoiceView): HTMLElement {
    const child = view.viewer.isYoungPerson;
    const formId = newFormId();
    const textId = uid('voice-text');
    const text = h('textarea', { id: textId, name: 'text', rows: 4, required: true, maxlength: CHILD_VOICE_TEXT_MAX });
    const houses = h(
      'fieldset',
      {},
      h('legend', {}, tr('childVoice.form.house')),
      HOUSES.map((house, i) => {
        const id = uid(`voice-house-${house}`);
        return h('div', { class: 'choice' }, h('input', { type: 'radio', id, name: 'house', value: house, required: true, checked: i === 0 }), h('label', { for: id }, trKey(`childVoice.house.${house}`)));
      }),
    );
    const hows =
      view.viewer.hows.length > 1
        ? h(
            'fieldset',
            {},
            h('legend', {}, tr('childVoice.form.how')),
            view.viewer.hows.map((how, i) => {
              const id = uid(`voice-how-${how}`);
              return h('div', { class: 'choice' }, h('input', { type: 'radio', id, name: 'how', value: how, checked: i === 0 }), h('label', { for: id }, trKey(`childVoice.how.${how}`)));
            }),
          )
        : null;
    const dateId = uid('voice-date');
    const date = child ? null : h('input', { id: dateId, type: 'date', name: 'date', value: view.today, max: view.today });
    const hideId = uid('voice-hide');
    const hide = view.viewer.canHide ? h('input', { id: hideId, type: 'checkbox', name: 'professionalsOnly' }) : null;
    const form: HTMLFormElement = h(
      'form',
      {
        class: 'voice-form',
        onsubmit: submit(() => {
          const chosen = (name: string) => (form.querySelector(`input[name="${name}"]:checked`) as HTMLInputElement | null)?.value;
          return api.post(path, {
            formId,
            house: chosen('house'),
            text: text.value,
            how: chosen('how'),
            date: date?.value || undefined,
            professionalsOnly: hide ? hide.checked : false,
          });
        }, tr('childVoice.tab.saved')),
      },
      h('h3', {}, tr(child ? 'childVoice.writeChild' : 'childVoice.write')),
      houses,
      h('div', { class: 'field' }, h('label', { for: textId }, tr(child ? 'childVoice.form.textChild' : 'childVoice.form.text', { max: CHILD_VOICE_TEXT_MAX })), text),
      hows,
      date ? h('div', { class: 'field' }, h('label', { for: dateId }, tr('childVoice.form.date')), date) : null,
      hide ? h('div', { class: 'choice' }, hide, h('label', { for: hideId }, tr(child ? 'childVoice.form.hideChild' : 'childVoice.form.hide'))) : null,
      h('button', { type: 'submit', class: 'button primary' }, tr('childVoice.form.submit')),
    );
    return form;
  }

  function ageForm(view: ChildVoiceView): HTMLElement {
    const id = uid('voice-youth');
    const box = h('input', { id, type: 'checkbox', name: 'youth15Plus', checked: view.youth.youth15Plus });
    return h(
      'form',
      { class: 'voice-youth', onsubmit: submit(() => api.post(`${path}/youth`, { youth15Plus: box.checked }), tr('childVoice.tab.saved')) },
      h('div', { class: 'choice' }, box, h('label', { for: id }, tr('childVoice.youth.mark'))),
      h('p', { class: 'small muted' }, tr('childVoice.youth.markHelp')),
      view.youth.youth15Plus && !view.youth.youngPersonName ? h('p', { class: 'small warn' }, tr('childVoice.youth.needsMember')) : null,
      h('button', { type: 'submit', class: 'button' }, tr('childVoice.form.submit')),
    );
  }

  function consentForm(view: ChildVoiceView): HTMLElement {
    const boxes = view.youth.choices.map((p) => {
      const id = uid('voice-allow');
      const box = h('input', { id, type: 'checkbox', name: 'allowed', value: p.userId, checked: p.allowed });
      return { box, row: h('div', { class: 'choice' }, box, h('label', { for: id }, `${p.name} – ${trKey(`role.${p.role}`)}`)) };
    });
    return h(
      'form',
      { class: 'voice-consent', onsubmit: submit(() => api.post(`${path}/consent`, { allowed: boxes.filter((b) => b.box.checked).map((b) => b.box.value) }), tr('childVoice.tab.saved')) },
      h('h3', {}, tr('childVoice.youth.title')),
      h('p', {}, tr('childVoice.youth.body', { title: view.caseTitle })),
      h('fieldset', {}, h('legend', {}, tr('childVoice.youth.choices')), boxes.map((b) => b.row)),
      h('button', { type: 'submit', class: 'button primary' }, tr('childVoice.youth.save')),
    );
  }

  void draw();
  return section('child-voice', tr('childVoice.title'), status, holder);
}

function entryItem(entry: EntryView): HTMLElement {
  return h(
    'li',
    { class: 'voice-entry', 'data-entry': entry.id, 'data-visibility': entry.professionalsOnly ? 'professionals' : 'family' },
    h('p', { class: 'voice-text' }, entry.text),
    h('p', { class: 'small muted' }, `${formatDay(locale(), entry.date)} · ${tr('childVoice.entry.by', { name: entry.authorName, role: trKey(`role.${entry.authorRole}`) })} · ${trKey(`childVoice.how.${entry.how}`)}`),
    entry.professionalsOnly ? h('span', { class: 'badge private' }, tr('childVoice.entry.hidden')) : null,
  );
}
