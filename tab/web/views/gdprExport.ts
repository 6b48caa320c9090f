import type { MemberView } from '../../../core/services/overviewService';
import type { TabApi } from '../api';
import { h } from '../dom';
import { tr } from '../i18n';
import { errorText } from './parts';

/**
 * For the case's coordinator: a button on a member that downloads what Samspil holds about them in
 * this case (GDPR art. 15) as one file: the Danish summary, with all the data as JSON at its end.
 * The server decides again who may (only the coordinator) and logs the export.
 */
export function gdprExportButton(m: MemberView, api: TabApi, casePath: string, status: HTMLElement): HTMLElement {
  const onclick = async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      const { fileName, html } = await api.get<{ fileName: string; html: string }>(`${casePath}/members/${encodeURIComponent(m.userId)}/gdpr-export`);
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
      const link = h('a', { href: url, download: `${fileName}.html`, hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.textContent = tr('tab.gdpr.exported', { name: m.name });
    } catch (error) {
      status.textContent = errorText(error);
    } finally {
      button.disabled = false;
    }
  };
  return h('button', { type: 'button', class: 'button small', 'data-gdpr-export': m.userId, 'aria-label': tr('tab.gdpr.exportFor', { name: m.name }), onclick }, tr('tab.gdpr.export'));
}
