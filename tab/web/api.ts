import type { TabHost } from './host';
import { locale, tr } from './i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls the tab API with the host's SSO token as a Bearer token. A 401 gets one retry with a
 * fresh token (Teams renews it); every refusal carries a message in the user's language.
 */
export class TabApi {
  private token?: Promise<string>;

  constructor(private readonly host: TabHost) {}

  private fetchToken(fresh = false): Promise<string> {
    if (!this.token || fresh) this.token = this.host.getToken();
    return this.token;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    let token: string;
    try {
      token = await this.fetchToken(retried);
    } catch {
      throw new ApiError(401, tr('tab.error.signIn'), 'sign_in');
    }
    let response: Response;
    try {
      response = await fetch(`/tab/api${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'Accept-Language': locale(),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, tr('tab.error.network'), 'network');
    }
    if (response.status === 401 && !retried) {
      await response.text().catch(() => undefined);
      return this.request<T>(method, path, body, true);
    }
    const payload = (await response.json().catch(() => ({}))) as { message?: string; error?: string };
    if (!response.ok) throw new ApiError(response.status, payload.message ?? tr('error.internal'), payload.error ?? 'error');
    return payload as T;
  }
}
