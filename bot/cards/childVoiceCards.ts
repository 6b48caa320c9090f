import { CHILD_VOICE_TEXT_MAX, HOUSES, type ChildVoiceEntry, type How } from '../../core/domain/childVoice';
import type { Role } from '../../core/domain/roles';
import { t, type Locale } from '../../core/i18n';
import { formatDay, roleLabel, truncate } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, paragraph, type AdaptiveCard, type CardElement } from './card';

/** Barnets stemme (docs/child-voice.md): the form, what was saved, and the young person's own say. */
export const CHILD_VOICE_VERBS = {
  submit: 'childVoice.submit',
  youthConsent: 'childVoice.youthConsent',
} as const;

export interface ChildVoiceFormModel {
  caseId: string;
  caseTitle: string;
  formId: string;
  hows: readonly How[];
  canHide: boolean;
  /** The child writes themself: friendlier words, no "how", no date. */
  child: boolean;
  today: string;
}

/**
 * The form, sent to the writer's own chat (a form belongs to the person who asked for it). A child
 * gets plain words and only the house and the text; an adult also says how it was written down and
 * when the child said it.
 */
export function childVoiceFormCard(locale: Locale, form: ChildVoiceFormModel): AdaptiveCard {
  const body: CardElement[] = [
    heading(t(locale, form.child ? 'childVoice.form.titleChild' : 'childVoice.form.title')),
    paragraph(form.caseTitle, { isSubtle: true, spacing: 'None' }),
    paragraph(t(locale, form.child ? 'childVoice.introChild' : 'childVoice.intro'), { spacing: 'Small' }),
    {
      type: 'Input.ChoiceSet',
      id: 'house',
      label: t(locale, 'childVoice.form.house'),
      style: 'expanded',
      isRequired: true,
      errorMessage: t(locale, 'childVoice.form.house'),
      choices: HOUSES.map((house) => ({ title: `${t(locale, `childVoice.house.${house}`)} – ${t(locale, `childVoice.houseHint.${house}`)}`, value: house })),
    },
    {
      type: 'Input.Text',
      id: 'text',
      label: t(locale, form.child ? 'childVoice.form.textChild' : 'childVoice.form.text', { max: CHILD_VOICE_TEXT_MAX }),
      isMultiline: true,
      isRequired: true,
      maxLength: CHILD_VOICE_TEXT_MAX,
      errorMessage: t(locale, 'childVoice.field.text'),
    },
  ];
  if (form.hows.length > 1) {
    body.push({
      type: 'Input.ChoiceSet',
      id: 'how',
      label: t(locale, 'childVoice.form.how'),
      style: 'expanded',
      isRequired: true,
      errorMessage: t(locale, 'childVoice.form.how'),
      value: form.hows[0],
      choices: form.hows.map((how) => ({ title: t(locale, `childVoice.how.${how}`), value: how })),
    });
  }
  if (!form.child) body.push({ type: 'Input.Date', id: 'date', label: t(locale, 'childVoice.form.date'), value: form.today, max: form.today });
  if (form.canHide) {
    body.push({ type: 'Input.Toggle', id: 'professionalsOnly', title: t(locale, form.child ? 'childVoice.form.hideChild' : 'childVoice.form.hide'), valueOn: 'true', valueOff: 'false', value: 'false' });
  }
  return adaptiveCard(body, { actions: [executeAction(t(locale, 'childVoice.form.submit'), CHILD_VOICE_VERBS.submit, { caseId: form.caseId, formId: form.formId }, { style: 'positive' })] });
}

/** What the writer sees in place of the form once it is saved. */
export function childVoiceSavedCard(locale: Locale, entry: ChildVoiceEntry): AdaptiveCard {
  const house = t(locale, `childVoice.house.${entry.house}`);
  const rows: Array<[string, string]> = [
    [t(locale, 'childVoice.field.house'), house],
    [t(locale, 'childVoice.field.how'), t(locale, `childVoice.how.${entry.how}`)],
    [t(locale, 'childVoice.field.date'), formatDay(locale, entry.date)],
  ];
  if (entry.visibility === 'professionals') rows.push([t(locale, 'childVoice.field.visibility'), t(locale, 'childVoice.entry.hidden')]);
  return adaptiveCard([
    paragraph(`✅ ${t(locale, 'childVoice.saved', { house })}`, { weight: 'Bolder' }),
    paragraph(t(locale, 'childVoice.entry.by', { name: entry.authorName, role: roleLabel(locale, entry.authorRole) }), { isSubtle: true, spacing: 'None' }),
    facts(rows),
    paragraph(entry.text),
  ]);
}

export interface YouthConsentModel {
  caseId: string;
  caseTitle: string;
  professionals: Array<{ userId: string; name: string; role: Role; allowed: boolean }>;
}

/**
 * To the young person (15+, when the setting is on), in their own chat: which professionals may read
 * the child's voice. One multi-select; saving it says yes to those ticked and no to the rest.
 */
export function youthConsentCard(locale: Locale, model: YouthConsentModel, saved?: number): AdaptiveCard {
  const body: CardElement[] = [heading(t(locale, 'childVoice.youth.title'))];
  if (saved !== undefined) body.push(paragraph(saved > 0 ? t(locale, 'childVoice.youth.saved', { count: saved }) : t(locale, 'childVoice.youth.savedNone'), { weight: 'Bolder', color: 'Good' }));
  body.push(paragraph(t(locale, 'childVoice.youth.body', { title: model.caseTitle })));
  body.push({
    type: 'Input.ChoiceSet',
    id: 'allowed',
    label: t(locale, 'childVoice.youth.choices'),
    isMultiSelect: true,
    style: 'expanded',
    value: model.professionals.filter((p) => p.allowed).map((p) => p.userId).join(','),
    choices: model.professionals.map((p) => ({ title: `${truncate(p.name, 80)} – ${roleLabel(locale, p.role)}`, value: p.userId })),
  });
  return adaptiveCard(body, { actions: [executeAction(t(locale, 'childVoice.youth.save'), CHILD_VOICE_VERBS.youthConsent, { caseId: model.caseId }, { style: 'positive' })] });
}
