import { normalizeTheme, type FrameContext, type HostContext, type TabHost, type TabInstanceConfig, type Theme } from './host';

/**
 * A stand-in for Teams in a plain browser, for local development and browser tests:
 *
 *   /tab?host=fake&context=meetingSidePanel&user=<object id>&name=Mette&theme=dark&locale=en-US
 *
 * `context` is a Teams frame context or a manifest context name (channelTab, meetingChatTab,
 * meetingDetailsTab, meetingSidePanel, meetingStage, config). A token is taken from the URL
 * fragment (`#token=…`, never sent to the server in the URL); without one the fake host makes a
 * development token, which the server accepts only with TAB_AUTH_MODE=dev.
 * It never calls teams-js, so nothing waits 60 seconds for a parent frame that will not answer.
 */

const CONTEXT_ALIASES: Record<string, FrameContext> = {
  content: 'content',
  channeltab: 'content',
  privatechattab: 'content',
  meetingchattab: 'content',
  meetingdetailstab: 'content',
  personaltab: 'content',
  settings: 'settings',
  config: 'settings',
  sidepanel: 'sidePanel',
  meetingsidepanel: 'sidePanel',
  meetingstage: 'meetingStage',
  stage: 'meetingStage',
};

export interface FakeHostControls {
  setTheme(theme: Theme): void;
  save(): Promise<TabInstanceConfig | undefined>;
  savedConfig?: TabInstanceConfig;
  configValid: boolean;
  loaded: boolean;
}

declare global {
  interface Window {
    samspilFakeHost?: FakeHostControls;
  }
}

const base64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export class FakeHost implements TabHost {
  readonly kind = 'fake' as const;
  private readonly params: URLSearchParams;
  private readonly token?: string;
  private themeHandler?: (theme: Theme) => void;
  private saveHandler?: () => Promise<TabInstanceConfig>;
  readonly controls: FakeHostControls;

  constructor(location: Location) {
    this.params = new URLSearchParams(location.search);
    this.token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? undefined;
    this.controls = {
      setTheme: (theme) => this.themeHandler?.(normalizeTheme(theme)),
      save: async () => {
        if (!this.saveHandler || !this.controls.configValid) return undefined;
        this.controls.savedConfig = await this.saveHandler();
        return this.controls.savedConfig;
      },
      configValid: false,
      loaded: false,
    };
    window.samspilFakeHost = this.controls;
  }

  private get contextName(): string {
    return (this.params.get('context') ?? 'content').toLowerCase();
  }

  async init(): Promise<HostContext> {
    const p = this.params;
    const meeting = this.contextName.startsWith('meeting');
    return {
      frameContext: CONTEXT_ALIASES[this.contextName] ?? 'content',
      theme: normalizeTheme(p.get('theme') ?? undefined),
      locale: p.get('locale') ?? 'da-DK',
      userObjectId: p.get('user') ?? undefined,
      userName: p.get('name') ?? undefined,
      tenantId: p.get('tenant') ?? undefined,
      conversationId: p.get('conversation') ?? undefined,
      entityId: p.get('entity') ?? undefined,
      subPageId: p.get('subEntity') ?? undefined,
      meetingId: meeting ? (p.get('meeting') ?? 'fake-meeting') : undefined,
    };
  }

  async getToken(): Promise<string> {
    if (this.token) return this.token;
    const oid = this.params.get('user') ?? '';
    const claims = { oid, name: this.params.get('name') ?? oid, tid: this.params.get('tenant') ?? 'dev' };
    return `dev.${base64url(JSON.stringify(claims))}`;
  }

  onThemeChange(handler: (theme: Theme) => void): void {
    this.themeHandler = handler;
  }

  registerConfigSave(save: () => Promise<TabInstanceConfig>): void {
    this.saveHandler = save;
  }

  setConfigValid(valid: boolean): void {
    this.controls.configValid = valid;
    document.dispatchEvent(new CustomEvent('samspil:config-valid', { detail: valid }));
  }

  notifyLoaded(): void {
    this.controls.loaded = true;
  }
}
