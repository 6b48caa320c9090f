/**
 * User-facing texts. Danish is the default; English sits beside it.
 * Keys are shared by bot and tab so that a refusal reads the same everywhere.
 */
export type Locale = 'da' | 'en';

const da = {
  'app.name': 'Samspil',
  'help.title': 'Samspil – kommandoer',
  'help.intro': 'Skriv en kommando til mig. I en kanal skal du @nævne mig først.',
  'help.cmd.help': 'Vis denne oversigt',
  'help.cmd.newCase': 'Opret en sag for denne kanal eller gruppechat. Du bliver tovholder. Barnet angives med initialer eller et pseudonym – aldrig CPR-nummer.',
  'help.cmd.case': 'Vis sagen for denne samtale',
  'hint.unknownCommand': 'Den kommando kender jeg ikke: "{command}". Skriv "hjælp" for at se, hvad jeg kan.',
  'hint.empty': 'Skriv "hjælp" for at se, hvad jeg kan.',
  'case.created': 'Sagen "{title}" er oprettet. Du er tovholder.',
  'case.title': 'Sag: {title}',
  'case.child': 'Barn',
  'case.childUnknown': 'Ikke angivet',
  'case.coordinator': 'Tovholder',
  'case.status': 'Status',
  'case.status.open': 'Åben',
  'case.status.closed': 'Lukket',
  'case.members': 'Medlemmer',
  'case.createdAt': 'Oprettet',
  'case.updatedAt': 'Senest ændret',
  'error.cprRefused': 'Teksten ligner et CPR-nummer. Samspil gemmer aldrig CPR-numre – brug initialer eller et pseudonym for barnet. Intet er gemt.',
  'error.titleRequired': 'Skriv en titel efter "ny sag", fx "ny sag Støtte i skolen / AB".',
  'error.textTooLong': '{field} må højst være {max} tegn. Intet er gemt.',
  'error.invalidText': '{field} indeholder tegn, som ikke er tilladt. Intet er gemt.',
  'error.caseExists': 'Der findes allerede en sag i denne samtale: "{title}". Skriv "sag" for at se den.',
  'error.noCase': 'Der er ingen sag i denne samtale endnu. Opret en med "ny sag <titel>".',
  'error.caseNotFound': 'Sagen findes ikke, eller du har ikke adgang til den.',
  'error.notMember': 'Du er ikke medlem af denne sag og kan ikke se den.',
  'error.internal': 'Noget gik galt hos os. Prøv igen om lidt – intet er ændret.',
  'field.title': 'Titlen',
  'field.childRef': 'Barnets reference',
  'role.teacher': 'Lærer',
  'role.pedagogue': 'Pædagog',
  'role.school_psychologist': 'PPR-psykolog',
  'role.caseworker': 'Sagsbehandler',
  'role.health_visitor': 'Sundhedsplejerske',
  'role.doctor': 'Læge / børne- og ungepsykiatri',
  'role.leader': 'Leder',
  'role.parent': 'Forælder / forældremyndighedsindehaver',
  'role.child': 'Barn / ung',
  'role.network': 'Netværk',
  'tab.placeholder.title': 'Samspil – sagsoverblik',
  'tab.placeholder.body': 'Sagsoverblikket kommer her.',
  'action.refresh': 'Opdater',
  'error.caseNeedsSharedConversation': 'En sag hører til en kanal eller en gruppechat. Skriv "ny sag" dér, så alle omkring barnet kan følge med.',
  'error.invalidAction': 'Handlingen kunne ikke udføres: kortets data er ugyldige. Intet er ændret.',
};

type Messages = Record<keyof typeof da, string>;
export type MessageKey = keyof typeof da;

const en: Messages = {
  'app.name': 'Samspil',
  'help.title': 'Samspil – commands',
  'help.intro': 'Type a command to me. In a channel, @mention me first.',
  'help.cmd.help': 'Show this overview',
  'help.cmd.newCase': 'Create a case for this channel or group chat. You become the coordinator. Refer to the child by initials or a pseudonym – never a CPR number.',
  'help.cmd.case': 'Show the case of this conversation',
  'hint.unknownCommand': 'I do not know the command "{command}". Type "help" to see what I can do.',
  'hint.empty': 'Type "help" to see what I can do.',
  'case.created': 'The case "{title}" has been created. You are the coordinator.',
  'case.title': 'Case: {title}',
  'case.child': 'Child',
  'case.childUnknown': 'Not given',
  'case.coordinator': 'Coordinator',
  'case.status': 'Status',
  'case.status.open': 'Open',
  'case.status.closed': 'Closed',
  'case.members': 'Members',
  'case.createdAt': 'Created',
  'case.updatedAt': 'Last changed',
  'error.cprRefused': 'The text looks like a CPR number. Samspil never stores CPR numbers – use initials or a pseudonym for the child. Nothing was saved.',
  'error.titleRequired': 'Type a title after "new case", e.g. "new case Support at school / AB".',
  'error.textTooLong': '{field} can be at most {max} characters. Nothing was saved.',
  'error.invalidText': '{field} contains characters that are not allowed. Nothing was saved.',
  'error.caseExists': 'This conversation already has a case: "{title}". Type "case" to see it.',
  'error.noCase': 'There is no case in this conversation yet. Create one with "new case <title>".',
  'error.caseNotFound': 'The case does not exist, or you do not have access to it.',
  'error.notMember': 'You are not a member of this case and cannot see it.',
  'error.internal': 'Something went wrong on our side. Try again in a moment – nothing was changed.',
  'field.title': 'The title',
  'field.childRef': "The child's reference",
  'role.teacher': 'Teacher',
  'role.pedagogue': 'Pedagogue',
  'role.school_psychologist': 'School psychologist',
  'role.caseworker': 'Caseworker',
  'role.health_visitor': 'Health visitor',
  'role.doctor': 'Doctor / child psychiatry',
  'role.leader': 'Leader',
  'role.parent': 'Parent / guardian',
  'role.child': 'Child / youth',
  'role.network': 'Network',
  'tab.placeholder.title': 'Samspil – case overview',
  'tab.placeholder.body': 'The case overview will appear here.',
  'action.refresh': 'Refresh',
  'error.caseNeedsSharedConversation': 'A case belongs to a channel or a group chat. Type "new case" there, so that everyone around the child can follow it.',
  'error.invalidAction': 'The action could not be carried out: the card data is invalid. Nothing was changed.',
};

const catalogues: Record<Locale, Messages> = { da, en };

/** Teams sends e.g. "en-US" or "da-DK"; anything we do not translate falls back to Danish. */
export function resolveLocale(raw: string | undefined | null): Locale {
  return raw?.toLowerCase().startsWith('en') ? 'en' : 'da';
}

export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

export function formatDateTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale === 'da' ? 'da-DK' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Copenhagen',
  }).format(date);
}

/** Renders a refusal; a `field` parameter holds a message key and is translated too. */
export function renderRefusal(locale: Locale, key: MessageKey, params: Record<string, string | number>): string {
  const field = params.field;
  const resolved = typeof field === 'string' && field in catalogues[locale] ? { ...params, field: t(locale, field as MessageKey) } : params;
  return t(locale, key, resolved);
}
