/**
 * Texts for exporting a case (HL7 FHIR R4, core/export/). Displays in the exported code systems come
 * from here and from the shared labels (roles, levels, areas); every Danish key needs its English twin.
 */
export const da = {
  // KL's TOPI questionnaire answers are the strings "Grøn", "Gul" and "Rød" (docs/fhir.md).
  'export.topi.green': 'Grøn',
  'export.topi.yellow': 'Gul',
  'export.topi.red': 'Rød',
  'export.role.coordinator': 'Tovholder',
  'export.unknownPerson': 'Ukendt person',
  'export.scope.professional': 'Modtageren er fagperson: også oplysninger kun for fagpersoner',
  'export.scope.familyVisible': 'Kun oplysninger, som familien også kan se',
  'export.visibility.all': 'Alle i sagen',
  'export.visibility.professionals': 'Kun fagpersoner',
  'export.basis.guardianConsent': 'Samtykke fra forældremyndighedsindehaver',
  'export.basis.legalBasis': 'Hjemmel uden samtykke',
  'export.concept.followUpDate': 'Opfølgningsdato',
  'export.concept.wellbeingRound': 'Trivselsvurdering (runde)',
  'export.concept.roundNumber': 'Trivselsvurdering, runde {number}',
  'export.concept.comment': 'Kommentar',
  'export.carePlan.title': 'Aftaler',
  'export.questionnaire.title': 'Trivselsvurdering i fire områder',
  'export.questionnaire.description':
    'Hver deltager vurderer barnets trivsel i fire områder (Opsporingsmodellen) på TOPI-skalaen Grøn, Gul, Rød, samme svar som i KL’s TOPI-spørgeskema.',
  'error.exportOnlyCoordinator': 'Kun sagens tovholder kan eksportere sagen.',
  'error.exportTooLarge': 'Sagen har mere end {max} aftaler eller observationer og kan ikke eksporteres i ét stykke.',
  'error.exportScope': 'Angiv professional=true (modtageren er fagperson) eller professional=false.',
  'event.case.exported': 'Sagen blev eksporteret (HL7 FHIR)',
};

export const en: Record<keyof typeof da, string> = {
  'export.topi.green': 'Green',
  'export.topi.yellow': 'Yellow',
  'export.topi.red': 'Red',
  'export.role.coordinator': 'Coordinator',
  'export.unknownPerson': 'Unknown person',
  'export.scope.professional': 'The receiver is a professional: professionals-only content included',
  'export.scope.familyVisible': 'Only content the family can also see',
  'export.visibility.all': 'Everyone in the case',
  'export.visibility.professionals': 'Professionals only',
  'export.basis.guardianConsent': "A guardian's consent",
  'export.basis.legalBasis': 'Legal basis without consent',
  'export.concept.followUpDate': 'Follow-up date',
  'export.concept.wellbeingRound': 'Well-being assessment (round)',
  'export.concept.roundNumber': 'Well-being assessment, round {number}',
  'export.concept.comment': 'Comment',
  'export.carePlan.title': 'Agreements',
  'export.questionnaire.title': 'Well-being assessment in four areas',
  'export.questionnaire.description':
    "Each participant rates the child's well-being in four areas (Opsporingsmodellen) on the TOPI scale Green, Yellow, Red, the same answers as KL's TOPI questionnaire.",
  'error.exportOnlyCoordinator': "Only the case's coordinator can export the case.",
  'error.exportTooLarge': 'The case has more than {max} agreements or observations and cannot be exported in one piece.',
  'error.exportScope': 'Give professional=true (the receiver is a professional) or professional=false.',
  'event.case.exported': 'The case was exported (HL7 FHIR)',
};
