/**
 * The tab's only view of its host. In Teams it is teams-js (teamsHost.ts); in a plain browser a
 * developer switches on the fake host with `?host=fake` (fakeHost.ts). Views never import teams-js.
 */

export type FrameContext = 'content' | 'settings' | 'sidePanel' | 'meetingStage' | 'remove' | 'task';
export type Theme = 'default' | 'dark' | 'contrast';

export interface HostContext {
  frameContext: FrameContext;
  theme: Theme;
  /** BCP 47, e.g. "da-DK" or "en-US". */
  locale: string;
  userObjectId?: string;
  userName?: string;
  tenantId?: string;
  /** The channel or chat the tab lives in: the key a case is bound to. */
  conversationId?: string;
  /** The entity ID saved by the configuration page. */
  entityId?: string;
  /** What a deep link opened the tab at (`observation:<id>`, `round:<id>`): the `subEntityId` of the link. */
  subPageId?: string;
  meetingId?: string;
}

/** What the configuration page saves; Teams stores it with the tab. */
export interface TabInstanceConfig {
  entityId: string;
  contentUrl: string;
  websiteUrl: string;
  suggestedDisplayName: string;
}

export interface TabHost {
  readonly kind: 'teams' | 'fake';
  /** Must resolve quickly: the fake host never waits for a parent frame. */
  init(): Promise<HostContext>;
  getToken(): Promise<string>;
  onThemeChange(handler: (theme: Theme) => void): void;
  /** The configuration page: `save` runs when the user presses Save and returns what to store. */
  registerConfigSave(save: () => Promise<TabInstanceConfig>): void;
  setConfigValid(valid: boolean): void;
  /** Tell the host the page has loaded (Teams hides its spinner). */
  notifyLoaded(): void;
}

export const normalizeTheme = (raw: string | undefined): Theme => (raw === 'dark' ? 'dark' : raw === 'contrast' ? 'contrast' : 'default');

/** The case a tab instance shows is stored in its entity ID: `samspil-case:<caseId>`. */
export const ENTITY_PREFIX = 'samspil-case:';
export const caseIdFromEntity = (entityId: string | undefined): string | undefined =>
  entityId?.startsWith(ENTITY_PREFIX) ? entityId.slice(ENTITY_PREFIX.length) || undefined : undefined;
