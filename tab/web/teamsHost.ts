import { app, authentication, FrameContexts, pages } from '@microsoft/teams-js';
import { normalizeTheme, type FrameContext, type HostContext, type TabHost, type TabInstanceConfig } from './host';

const FRAME_CONTEXTS: Partial<Record<string, FrameContext>> = {
  [FrameContexts.content]: 'content',
  [FrameContexts.settings]: 'settings',
  [FrameContexts.sidePanel]: 'sidePanel',
  [FrameContexts.meetingStage]: 'meetingStage',
  [FrameContexts.remove]: 'remove',
  [FrameContexts.task]: 'task',
};

/** Teams (web, desktop, mobile) through @microsoft/teams-js 2.x. */
export class TeamsHost implements TabHost {
  readonly kind = 'teams' as const;

  async init(): Promise<HostContext> {
    await app.initialize();
    const context = await app.getContext();
    return {
      frameContext: FRAME_CONTEXTS[context.page.frameContext] ?? 'content',
      theme: normalizeTheme(context.app.theme),
      locale: context.app.locale,
      userObjectId: context.user?.id,
      userName: context.user?.displayName ?? context.user?.loginHint,
      tenantId: context.user?.tenant?.id,
      conversationId: context.channel?.id ?? context.chat?.id,
      entityId: context.page.id,
      subPageId: context.page.subPageId,
      meetingId: context.meeting?.id,
    };
  }

  getToken(): Promise<string> {
    return authentication.getAuthToken();
  }

  onThemeChange(handler: (theme: 'default' | 'dark' | 'contrast') => void): void {
    app.registerOnThemeChangeHandler((theme) => handler(normalizeTheme(theme)));
  }

  registerConfigSave(save: () => Promise<TabInstanceConfig>): void {
    pages.config.registerOnSaveHandler((event) => {
      save()
        .then((config) => pages.config.setConfig(config))
        .then(() => event.notifySuccess())
        .catch((error: unknown) => event.notifyFailure(error instanceof Error ? error.message : String(error)));
    });
  }

  setConfigValid(valid: boolean): void {
    pages.config.setValidityState(valid);
  }

  notifyLoaded(): void {
    void app.notifySuccess().catch(() => undefined);
  }
}
