import { mayShow, memberClearance, type Clearance } from '../../core/domain/audience';
import type { Case, Member } from '../../core/domain/case';
import { OBSERVATION_TEXT_MAX, type Observation } from '../../core/domain/observation';
import { ICS_AREA_KEYS, ICS_AREAS, SOS_COLUMNS, WELLBEING_LEVELS } from '../../core/domain/scales';
import { t, type Locale } from '../../core/i18n';
import { formatDateTime, icsLabel, LEVEL_DOT, levelLabel, roleLabel, sosLabel } from '../../core/i18n/format';
import { adaptiveCard, executeAction, facts, heading, paragraph, refreshFor, type AdaptiveCard } from './card';
import { activeMemberIds, neutralCard, showMine } from './neutralCard';

export const OBSERVATION_SUBMIT_VERB = 'observation.submit';
export const OBSERVATION_VIEW_VERB = 'observation.view';

/** The `observe` form, for the person who asked for it (its shared card is formCards.ts). `formId` makes a double submit store one observation. */
export function observationFormCard(locale: Locale, kase: Case, formId: string, canMarkProfessionalOnly: boolean): AdaptiveCard {
  const body = [
    heading(t(locale, 'observe.title')),
    paragraph(kase.title, { isSubtle: true, spacing: 'None' }),
    {
      type: 'Input.ChoiceSet',
      id: 'area',
      label: t(locale, 'observe.area'),
      isRequired: true,
      errorMessage: t(locale, 'observe.area'),
      choices: ICS_AREA_KEYS.map((area) => ({ title: `${t(locale, `ics.side.${ICS_AREAS[area]}`)}: ${icsLabel(locale, area)}`, value: area })),
    },
    {
      type: 'Input.ChoiceSet',
      id: 'level',
      label: t(locale, 'observe.level'),
      style: 'expanded',
      isRequired: true,
      errorMessage: t(locale, 'observe.level'),
      choices: WELLBEING_LEVELS.map((level) => ({ title: `${LEVEL_DOT[level]} ${levelLabel(locale, level)}`, value: level })),
    },
    {
      type: 'Input.ChoiceSet',
      id: 'sosColumn',
      label: t(locale, 'observe.sos'),
      choices: SOS_COLUMNS.map((column) => ({ title: sosLabel(locale, column), value: column })),
      placeholder: t(locale, 'observe.sosNone'),
    },
    {
      type: 'Input.Text',
      id: 'text',
      label: t(locale, 'observe.text', { max: OBSERVATION_TEXT_MAX }),
      isMultiline: true,
      isRequired: true,
      maxLength: OBSERVATION_TEXT_MAX,
      errorMessage: t(locale, 'observe.text', { max: OBSERVATION_TEXT_MAX }),
    },
    ...(canMarkProfessionalOnly ? [{ type: 'Input.Toggle', id: 'professionalsOnly', title: t(locale, 'observe.professionalsOnly'), valueOn: 'true', valueOff: 'false', value: 'false' }] : []),
  ];
  return adaptiveCard(body, { actions: [executeAction(t(locale, 'observe.submit'), OBSERVATION_SUBMIT_VERB, { caseId: kase._id, formId }, { style: 'positive' })] });
}

/** The observation itself: for readers who may see it. */
function fullObservationCard(locale: Locale, observation: Observation): AdaptiveCard {
  const rows: Array<[string, string]> = [
    [t(locale, 'observe.level'), `${LEVEL_DOT[observation.level]} ${levelLabel(locale, observation.level)}`],
    [t(locale, `ics.side.${ICS_AREAS[observation.area]}`), icsLabel(locale, observation.area)],
  ];
  if (observation.sosColumn) rows.push(['Signs of Safety', sosLabel(locale, observation.sosColumn)]);
  return adaptiveCard([
    heading(t(locale, 'observation.title', { area: icsLabel(locale, observation.area) })),
    ...(observation.visibility === 'professionals' ? [paragraph(`🔒 ${t(locale, 'observation.professionalsOnly')}`, { color: 'Attention', weight: 'Bolder' })] : []),
    paragraph(`${t(locale, 'observation.by', { name: observation.authorName, role: roleLabel(locale, observation.authorRole) })} · ${formatDateTime(locale, observation.createdAt)}`, { isSubtle: true, spacing: 'None' }),
    facts(rows),
    paragraph(observation.text),
  ]);
}

/**
 * The observation as posted into the case conversation, for the room's least-privileged reader:
 * neutral for a room with outsiders, an announcement without content where a family or network
 * member reads a professionals-only observation, the observation itself otherwise.
 */
export function observationCard(locale: Locale, observation: Observation, kase: Case, clearance: Clearance): AdaptiveCard {
  const own = { verb: OBSERVATION_VIEW_VERB, data: { caseId: observation.caseId, observationId: observation._id }, userIds: activeMemberIds(kase) };
  if (clearance === 'outsider') return neutralCard(locale, 'neutral.observation', own);
  if (!mayShow(clearance, observation.visibility)) {
    return adaptiveCard([paragraph(`🔒 ${t(locale, 'observation.hiddenNotice', { name: observation.authorName })}`)], {
      actions: [showMine(locale, own.verb, own.data)],
      refresh: refreshFor(own.verb, own.data, own.userIds),
    });
  }
  return fullObservationCard(locale, observation);
}

/** One member's own view of an observation. */
export function observationCardFor(locale: Locale, observation: Observation, kase: Case, member: Member): AdaptiveCard {
  return observationCard(locale, observation, kase, memberClearance(member));
}

/** Replaces the form for the person who submitted it. */
export function observationSavedCard(locale: Locale, observation: Observation): AdaptiveCard {
  const card = fullObservationCard(locale, observation);
  return { ...card, body: [paragraph(`✅ ${t(locale, 'observe.saved')}`, { weight: 'Bolder' }), ...card.body] };
}
