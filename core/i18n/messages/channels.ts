/** Texts for the channels feature. Every Danish key needs its English twin (the type enforces it). */
export const da = {
  // New case in its own channel
  'channels.created': 'Sagen "{title}" har fået sin egen kanal: [{channel}]({url}). Du er tovholder. Sagskortet står i kanalen.',
  'channels.createdNoLink': 'Sagen "{title}" har fået sin egen kanal: "{channel}". Du er tovholder. Sagskortet står i kanalen.',
  'channels.createdPrivate': 'Sagen "{title}" har fået sin egen private kanal: [{channel}]({url}). Kun sagens medlemmer kommer med i kanalen, og det følger familiens samtykke.',
  'channels.welcome': 'Denne kanal hører til sagen "{title}". Skriv "@Samspil hjælp" for at se, hvad I kan gøre her.',
  'channels.description': 'Kanal for Samspil-sagen "{title}". Tovholder: {coordinator}.',
  'channels.defaultName': 'Sag',
  // Falling back to the current channel
  'channels.fallback.notAllowed':
    'Samspil må ikke oprette kanaler i dette team, så sagen hører til denne kanal. Vil I have en kanal pr. sag, skal en ejer af teamet fjerne Samspil fra teamet, tilføje appen igen og godkende tilladelsen til at oprette kanaler.',
  'channels.fallback.privateNotAllowed':
    'Samspil må ikke oprette private kanaler i jeres organisation, så sagen hører til denne kanal. Private kanaler pr. sag kræver, at IT giver Samspil tilladelserne Channel.Create og ChannelMember.ReadWrite.All for hele organisationen.',
  'channels.fallback.noCredentials':
    'Samspil er ikke sat op til at oprette kanaler (adgangen til Microsoft Graph mangler), så sagen hører til denne kanal. Bed IT om at sætte det op – vejledningen står i Samspils dokumentation under "Kanaler til sager".',
  'channels.fallback.unknownTeam':
    'Samspil kender endnu ikke teamets ID, så sagen hører til denne kanal. Fjern Samspil fra teamet og tilføj appen igen; så kan nye sager få deres egen kanal.',
  'channels.fallback.noAadUser':
    'Teams oplyste ikke din brugerkonto, så Samspil kunne ikke oprette en privat kanal med dig som ejer. Sagen hører til denne kanal.',
  'channels.busy': 'Microsoft Teams har travlt lige nu, så kanalen til sagen kunne ikke oprettes. Prøv igen om lidt – intet er oprettet.',
  'channels.failed': 'Kanalen til sagen kunne ikke oprettes (Microsoft Teams svarede med en fejl). Prøv igen om lidt – intet er oprettet.',
  'channels.nameTaken': 'Der findes allerede kanaler med navnet "{name}". Vælg en anden titel til sagen – intet er oprettet.',
  // Closing
  'close.done': 'Sagen "{title}" er lukket. Den kan nu kun læses.',
  'close.alreadyClosed': 'Sagen "{title}" er allerede lukket.',
  'close.summary.title': 'Sagen er lukket: {title}',
  'close.summary.body': 'Sagen er arkiveret og kan kun læses. Ingen kan længere tilføje observationer, vurderinger, aftaler eller medlemmer. Revisionsloggen gemmes.',
  'close.summary.closedAt': 'Lukket',
  'close.summary.closedBy': 'Lukket af',
  'close.summary.observations': 'Observationer',
  'close.summary.assessments': 'Afsluttede vurderinger',
  'close.summary.agreements': 'Aftaler',
  'close.summary.channel': 'Kanal',
  'close.summary.channel.archiving': 'Arkiveres nu – den kan læses, men ikke skrives i',
  'close.summary.channel.kept': 'Bliver stående – den hører til teamet',
  'close.archiveNotAllowed':
    'Kanalen kunne ikke arkiveres, fordi Samspil ikke har tilladelsen ChannelSettings.ReadWrite.All. En ejer af teamet kan arkivere kanalen i Teams (… ved kanalen > Arkivér kanal).',
  'close.archiveFailed': 'Kanalen kunne ikke arkiveres lige nu. En ejer af teamet kan arkivere den i Teams (… ved kanalen > Arkivér kanal).',
  'help.cmd.close': 'Luk sagen (kun tovholderen). Sagen arkiveres og kan derefter kun læses.',
};

export const en: Record<keyof typeof da, string> = {
  'channels.created': 'The case "{title}" has its own channel: [{channel}]({url}). You are the coordinator. The case card is in the channel.',
  'channels.createdNoLink': 'The case "{title}" has its own channel: "{channel}". You are the coordinator. The case card is in the channel.',
  'channels.createdPrivate': 'The case "{title}" has its own private channel: [{channel}]({url}). Only the members of the case are in the channel, following the family\'s consent.',
  'channels.welcome': 'This channel belongs to the case "{title}". Type "@Samspil help" to see what you can do here.',
  'channels.description': 'Channel for the Samspil case "{title}". Coordinator: {coordinator}.',
  'channels.defaultName': 'Case',
  'channels.fallback.notAllowed':
    'Samspil may not create channels in this team, so the case belongs to this channel. For one channel per case, a team owner must remove Samspil from the team, add the app again and accept the permission to create channels.',
  'channels.fallback.privateNotAllowed':
    'Samspil may not create private channels in your organisation, so the case belongs to this channel. Private channels per case need IT to grant Samspil the organisation-wide permissions Channel.Create and ChannelMember.ReadWrite.All.',
  'channels.fallback.noCredentials':
    'Samspil is not set up to create channels (access to Microsoft Graph is missing), so the case belongs to this channel. Ask IT to set it up – the guide is in the Samspil documentation under "Case channels".',
  'channels.fallback.unknownTeam':
    "Samspil does not know the team's ID yet, so the case belongs to this channel. Remove Samspil from the team and add the app again; then new cases can get their own channel.",
  'channels.fallback.noAadUser':
    'Teams did not tell us your user account, so Samspil could not create a private channel with you as its owner. The case belongs to this channel.',
  'channels.busy': 'Microsoft Teams is busy right now, so the channel for the case could not be created. Try again in a moment – nothing was created.',
  'channels.failed': 'The channel for the case could not be created (Microsoft Teams answered with an error). Try again in a moment – nothing was created.',
  'channels.nameTaken': 'Channels named "{name}" already exist. Choose another title for the case – nothing was created.',
  'close.done': 'The case "{title}" is closed. It can now only be read.',
  'close.alreadyClosed': 'The case "{title}" is already closed.',
  'close.summary.title': 'The case is closed: {title}',
  'close.summary.body': 'The case is archived and read-only. Nobody can add observations, assessments, agreements or members any more. The audit trail is kept.',
  'close.summary.closedAt': 'Closed',
  'close.summary.closedBy': 'Closed by',
  'close.summary.observations': 'Observations',
  'close.summary.assessments': 'Completed assessments',
  'close.summary.agreements': 'Agreements',
  'close.summary.channel': 'Channel',
  'close.summary.channel.archiving': 'Being archived – it can be read, not written in',
  'close.summary.channel.kept': 'Stays – it belongs to the team',
  'close.archiveNotAllowed':
    'The channel could not be archived because Samspil lacks the permission ChannelSettings.ReadWrite.All. A team owner can archive the channel in Teams (… next to the channel > Archive channel).',
  'close.archiveFailed': 'The channel could not be archived right now. A team owner can archive it in Teams (… next to the channel > Archive channel).',
  'help.cmd.close': 'Close the case (coordinator only). The case is archived and can then only be read.',
};
