/** Roles from the domain brief. The key is stored; labels live in i18n. */
export const PROFESSIONAL_ROLES = [
  'teacher',
  'pedagogue',
  'school_psychologist',
  'caseworker',
  'health_visitor',
  'doctor',
  'leader',
] as const;
export const FAMILY_ROLES = ['parent', 'child'] as const;
export const NETWORK_ROLES = ['network'] as const;

export const ROLES = [...PROFESSIONAL_ROLES, ...FAMILY_ROLES, ...NETWORK_ROLES] as const;
export type Role = (typeof ROLES)[number];
export type RoleGroup = 'professional' | 'family' | 'network';

export function roleGroup(role: Role): RoleGroup {
  if ((PROFESSIONAL_ROLES as readonly string[]).includes(role)) return 'professional';
  if ((FAMILY_ROLES as readonly string[]).includes(role)) return 'family';
  return 'network';
}

export const isProfessional = (role: Role): boolean => roleGroup(role) === 'professional';
export const isGuardian = (role: Role): boolean => role === 'parent';

/** Words a user may type for a role, in Danish or English, mapped to the stable key. */
export const ROLE_ALIASES: Readonly<Record<string, Role>> = {
  teacher: 'teacher',
  'lærer': 'teacher',
  laerer: 'teacher',
  pedagogue: 'pedagogue',
  'pædagog': 'pedagogue',
  paedagog: 'pedagogue',
  school_psychologist: 'school_psychologist',
  psychologist: 'school_psychologist',
  'ppr-psykolog': 'school_psychologist',
  ppr: 'school_psychologist',
  psykolog: 'school_psychologist',
  caseworker: 'caseworker',
  sagsbehandler: 'caseworker',
  health_visitor: 'health_visitor',
  sundhedsplejerske: 'health_visitor',
  doctor: 'doctor',
  'læge': 'doctor',
  laege: 'doctor',
  leader: 'leader',
  leder: 'leader',
  parent: 'parent',
  guardian: 'parent',
  mother: 'parent',
  father: 'parent',
  mor: 'parent',
  far: 'parent',
  mom: 'parent',
  dad: 'parent',
  plejemor: 'parent',
  plejefar: 'parent',
  'forældre': 'parent',
  'forælder': 'parent',
  foraelder: 'parent',
  'forældremyndighedsindehaver': 'parent',
  child: 'child',
  youth: 'child',
  barn: 'child',
  ung: 'child',
  'barn/ung': 'child',
  'den_unge': 'child',
  young_person: 'child',
  teenager: 'child',
  'søn': 'child',
  soen: 'child',
  datter: 'child',
  son: 'child',
  daughter: 'child',
  network: 'network',
  'netværk': 'network',
  netvaerk: 'network',
  'netværksperson': 'network',
  'træner': 'network',
  traener: 'network',
  coach: 'network',
  bedstemor: 'network',
  bedstefar: 'network',
  mormor: 'network',
  morfar: 'network',
  farmor: 'network',
  farfar: 'network',
  grandparent: 'network',
  grandmother: 'network',
  grandfather: 'network',
  moster: 'network',
  faster: 'network',
  onkel: 'network',
  'støtteperson': 'network',
  'lærerinde': 'teacher',
  klasselærer: 'teacher',
  'klasselærerinde': 'teacher',
  'pædagogen': 'pedagogue',
  'skolepsykolog': 'school_psychologist',
  'ppr_psykolog': 'school_psychologist',
  'børnepsykiater': 'doctor',
  'læge/børne-_og_ungepsykiatri': 'doctor',
  'egen_læge': 'doctor',
  'skoleleder': 'leader',
  'afdelingsleder': 'leader',
};

/** "som mor", "som lærer", "as a teacher": the role words people use, in either language. */
export function parseRole(text: string): Role | undefined {
  const words = text.normalize('NFC').trim().toLowerCase().replace(/[.!]+$/, '').replace(/^(?:en|et|a|an|the)\s+/, '');
  return ROLE_ALIASES[words.replace(/\s+/g, '_')];
}
