import { t, type Locale } from '../../core/i18n';
import type { FormRecord } from '../../core';
import { adaptiveCard, executeAction, paragraph, refreshFor, type AdaptiveCard } from './card';

export const FORM_OPEN_VERB = 'form.open';

const BASE = { observation: 'form.observation.base', agreement: 'form.agreement.base', meeting: 'form.meeting.base' } as const;
const DONE = { observation: 'form.observation.done', agreement: 'form.agreement.done', meeting: 'form.meeting.done' } as const;

/**
 * What a room sees of a form someone opened: who is writing, and how to get one's own form. The
 * inputs reach only the requester, through `refresh` (or "Åbn formularen", which the server
 * answers with the form for the requester and a refusal for anyone else).
 */
export function formBaseCard(locale: Locale, form: FormRecord, submitted: boolean): AdaptiveCard {
  const data = { caseId: form.caseId, formId: form._id };
  if (submitted) return adaptiveCard([paragraph(`✅ ${t(locale, DONE[form.kind], { name: form.requesterName })}`)]);
  return adaptiveCard([paragraph(t(locale, BASE[form.kind], { name: form.requesterName }))], {
    actions: [executeAction(t(locale, 'form.open'), FORM_OPEN_VERB, data)],
    refresh: refreshFor(FORM_OPEN_VERB, data, [form.requesterId]),
  });
}
