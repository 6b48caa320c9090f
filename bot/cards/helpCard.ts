import { t, type Locale } from '../../core/i18n';
import { adaptiveCard, heading, paragraph, type AdaptiveCard } from './card';
import { COMMANDS } from '../commands';

export function helpCard(locale: Locale): AdaptiveCard {
  const rows = COMMANDS.map((command) => ({
    type: 'ColumnSet',
    columns: [
      { type: 'Column', width: 'auto', items: [paragraph(command.usage[locale], { fontType: 'Monospace', weight: 'Bolder' })] },
      { type: 'Column', width: 'stretch', items: [paragraph(t(locale, command.description))] },
    ],
  }));
  return adaptiveCard([heading(t(locale, 'help.title')), paragraph(t(locale, 'help.intro'), { isSubtle: true }), ...rows]);
}
