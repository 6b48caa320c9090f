import type { EarlyWarningView } from '../../core/services/earlyWarningService';
import { inputLabel, warningReason, warningState } from '../../core/i18n/earlyWarningText';
import { t, type Locale } from '../../core/i18n';
import { adaptiveCard, executeAction, heading, paragraph, type AdaptiveCard, type CardElement } from './card';

export const EARLY_WARNING_VERBS = {
  dismiss: 'earlyWarning.dismiss',
  act: 'earlyWarning.act',
  refresh: 'earlyWarning.refresh',
} as const;

/** The most inputs a card links to; the rest are in the case. Keeps the card far below 28 KB. */
export const WARNING_CARD_MAX_INPUTS = 12;
export const DISMISS_REASON_INPUT = 'reason';

export interface EarlyWarningCardModel {
  warning: EarlyWarningView;
  caseTitle: string;
  /** Deep links: to the case (its tab, or its conversation), and per input ID to where it can be seen. */
  links: { case: string; inputs: Record<string, string> };
}

/** Markdown link text must not close the link early. */
const linkText = (text: string) => text.replace(/[[\]]/g, '');

/**
 * An early warning in the coordinator's personal chat (never the case's room: a warning can rest
 * on professionals-only observations). It says which rule fired and why, links to what set it off
 * (no content is copied), suggests what to do, and has buttons to open a round, propose an
 * agreement or dismiss the warning with a reason. The server checks every button again.
 */
export function earlyWarningCard(locale: Locale, model: EarlyWarningCardModel): AdaptiveCard {
  const { warning } = model;
  const data = { warningId: warning.id, caseId: warning.caseId, locale };
  const done = new Set(warning.actions.map((a) => a.action));
  const open = warning.status !== 'dismissed';

  const body: CardElement[] = [heading(t(locale, 'earlyWarning.card.title', { title: model.caseTitle }))];
  const state = warningState(locale, warning);
  for (const line of state) body.push(paragraph(line, { weight: 'Bolder', color: warning.status === 'dismissed' ? 'Default' : 'Good' }));
  body.push(paragraph(warningReason(locale, warning), { weight: 'Bolder', color: warning.status === 'open' ? 'Attention' : 'Default' }));
  body.push(paragraph(t(locale, 'earlyWarning.card.intro'), { isSubtle: true }));

  const shown = warning.inputs.slice(0, WARNING_CARD_MAX_INPUTS);
  body.push({
    type: 'Container',
    separator: true,
    items: [
      paragraph(t(locale, 'earlyWarning.card.inputs'), { weight: 'Bolder' }),
      ...shown.map((input) => {
        const url = model.links.inputs[input.id] ?? model.links.case;
        return paragraph(`- [${linkText(inputLabel(locale, input))}](${url})`, { spacing: 'Small' });
      }),
      ...(warning.inputs.length > shown.length ? [paragraph(`- [${t(locale, 'earlyWarning.input.more')}](${model.links.case})`, { spacing: 'Small' })] : []),
    ],
  });

  if (open) {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(t(locale, 'earlyWarning.card.suggest'), { weight: 'Bolder' }),
        paragraph(['meeting', 'agreement', 'round'].map((s) => `- ${t(locale, `earlyWarning.suggest.${s}` as never)}`).join('\n')),
      ],
    });
  }
  body.push(paragraph(t(locale, 'earlyWarning.card.private'), { isSubtle: true, size: 'Small' }));

  const actions: CardElement[] = [];
  if (open && !done.has('round')) actions.push(executeAction(t(locale, 'earlyWarning.action.round'), EARLY_WARNING_VERBS.act, { ...data, action: 'round' }, { id: 'act-round' }));
  if (open && !done.has('agreement')) actions.push(executeAction(t(locale, 'earlyWarning.action.agreement'), EARLY_WARNING_VERBS.act, { ...data, action: 'agreement' }, { id: 'act-agreement' }));
  actions.push({ type: 'Action.OpenUrl', title: t(locale, 'earlyWarning.action.open'), url: model.links.case });
  if (warning.status === 'open') {
    actions.push({
      type: 'Action.ShowCard',
      title: t(locale, 'earlyWarning.action.dismiss'),
      card: {
        type: 'AdaptiveCard',
        body: [
          {
            type: 'Input.Text',
            id: DISMISS_REASON_INPUT,
            label: t(locale, 'earlyWarning.dismiss.reason'),
            placeholder: t(locale, 'earlyWarning.dismiss.placeholder'),
            isMultiline: true,
            isRequired: true,
            maxLength: 500,
            errorMessage: t(locale, 'earlyWarning.dismiss.reason'),
          },
        ],
        actions: [executeAction(t(locale, 'earlyWarning.dismiss.submit'), EARLY_WARNING_VERBS.dismiss, data, { id: 'dismiss', associatedInputs: 'auto' })],
      },
    });
  }
  return adaptiveCard(body, { actions });
}
