import type { Logger } from 'pino';
import type { AttendanceOutcome, OnlineFailure, OnlineMeetingOutcome, OnlineMeetingProvider, OnlineMeetingRequest } from '../../core/services/meetingService';
import { GraphError, type GraphClient } from '../channels/graph';

/**
 * Teams meetings through Microsoft Graph, on the coordinator's behalf, with the app's own token
 * (client credentials), so that it works from the bot and the tab alike (docs/meetings.md):
 *
 * - `POST /users/{organizer}/onlineMeetings/createOrGet` with our meeting ID as `externalId`: one
 *   Teams meeting per Samspil meeting however often it is asked (a retry, two instances);
 * - `PATCH /users/{organizer}/onlineMeetings/{id}` when the meeting moves, `DELETE` when it is cancelled;
 * - `GET /users/{organizer}/onlineMeetings/{id}/attendanceReports` and each report's
 *   `attendanceRecords` after the meeting.
 *
 * Application permissions `OnlineMeetings.ReadWrite.All` and `OnlineMeetingArtifact.Read.All`, and an
 * application access policy granted to the coordinators (New-CsApplicationAccessPolicy). Without them
 * Graph answers 403 and the meeting is scheduled without a link.
 */

const MAX_REPORTS = 5;
const MAX_PAGES = 20;

interface GraphOnlineMeeting {
  id?: unknown;
  joinWebUrl?: unknown;
  joinUrl?: unknown;
}

interface GraphList<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

interface GraphAttendanceReport {
  id?: unknown;
  meetingStartDateTime?: unknown;
}

interface GraphAttendanceRecord {
  identity?: { id?: unknown };
  totalAttendanceInSeconds?: unknown;
}

export class GraphOnlineMeetings implements OnlineMeetingProvider {
  constructor(
    private readonly graph: GraphClient,
    private readonly logger: Logger,
  ) {}

  private failure(error: unknown, what: string): OnlineFailure {
    if (error instanceof GraphError) {
      if (error.code === 'no_credentials') return { ok: false, reason: 'not_configured', detail: error.message };
      if (error.notAllowed) {
        this.logger.warn({ status: error.status, code: error.code, message: error.message.slice(0, 300) }, `Graph refused ${what}: permission or application access policy missing`);
        return { ok: false, reason: 'not_allowed', detail: `${error.code}: ${error.message}`.slice(0, 300) };
      }
      this.logger.warn({ status: error.status, code: error.code }, `Graph could not ${what}`);
      return { ok: false, reason: 'failed', detail: `${error.code}: ${error.message}`.slice(0, 300) };
    }
    this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, `Graph could not ${what}`);
    return { ok: false, reason: 'failed', detail: error instanceof Error ? error.message.slice(0, 300) : 'error' };
  }

  private base(organizerOid: string): string {
    return `/users/${encodeURIComponent(organizerOid)}/onlineMeetings`;
  }

  async create(request: OnlineMeetingRequest): Promise<OnlineMeetingOutcome> {
    if (!this.graph.configured) return { ok: false, reason: 'not_configured' };
    try {
      const response = await this.graph.call<GraphOnlineMeeting>(request.tenantId, 'POST', `${this.base(request.organizerOid)}/createOrGet`, {
        externalId: request.externalId,
        startDateTime: request.startsAt.toISOString(),
        endDateTime: request.endsAt.toISOString(),
        subject: request.subject,
        participants: { attendees: request.attendeeOids.map((id) => ({ identity: { user: { id } }, role: 'attendee' })) },
      });
      const id = response.body?.id;
      const joinUrl = response.body?.joinWebUrl ?? response.body?.joinUrl;
      if (typeof id !== 'string' || typeof joinUrl !== 'string' || !/^https:\/\//.test(joinUrl)) return { ok: false, reason: 'failed', detail: 'Graph answered without an ID or a join URL' };
      return { ok: true, onlineMeetingId: id, joinUrl };
    } catch (error) {
      return this.failure(error, 'create the Teams meeting');
    }
  }

  async reschedule(request: { tenantId: string; organizerOid: string; onlineMeetingId: string; startsAt: Date; endsAt: Date }): Promise<boolean> {
    try {
      await this.graph.call(request.tenantId, 'PATCH', `${this.base(request.organizerOid)}/${encodeURIComponent(request.onlineMeetingId)}`, { startDateTime: request.startsAt.toISOString(), endDateTime: request.endsAt.toISOString() });
      return true;
    } catch (error) {
      this.failure(error, 'move the Teams meeting');
      return false;
    }
  }

  async cancel(request: { tenantId: string; organizerOid: string; onlineMeetingId: string }): Promise<boolean> {
    try {
      await this.graph.call(request.tenantId, 'DELETE', `${this.base(request.organizerOid)}/${encodeURIComponent(request.onlineMeetingId)}`);
      return true;
    } catch (error) {
      this.failure(error, 'delete the Teams meeting');
      return false;
    }
  }

  async attendance(request: { tenantId: string; organizerOid: string; onlineMeetingId: string }): Promise<AttendanceOutcome> {
    const meetingPath = `${this.base(request.organizerOid)}/${encodeURIComponent(request.onlineMeetingId)}`;
    try {
      const reports = await this.all<GraphAttendanceReport>(request.tenantId, `${meetingPath}/attendanceReports`);
      const ids = reports.flatMap((r) => (typeof r.id === 'string' ? [r.id] : [])).slice(0, MAX_REPORTS);
      if (ids.length === 0) return { ok: false, reason: 'no_report' };
      const records: Array<{ oid?: string; seconds: number }> = [];
      for (const id of ids) {
        for (const record of await this.all<GraphAttendanceRecord>(request.tenantId, `${meetingPath}/attendanceReports/${encodeURIComponent(id)}/attendanceRecords`)) {
          const seconds = typeof record.totalAttendanceInSeconds === 'number' && record.totalAttendanceInSeconds > 0 ? record.totalAttendanceInSeconds : 0;
          records.push({ oid: typeof record.identity?.id === 'string' ? record.identity.id : undefined, seconds });
        }
      }
      return { ok: true, records };
    } catch (error) {
      return this.failure(error, 'read the attendance report');
    }
  }

  /** A collection, following `@odata.nextLink` (on the same Graph) for a bounded number of pages. */
  private async all<T>(tenantId: string, path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const response: { body: GraphList<T> } = await this.graph.call<GraphList<T>>(tenantId, 'GET', next);
      items.push(...(Array.isArray(response.body?.value) ? response.body.value : []));
      const link = response.body?.['@odata.nextLink'];
      next = typeof link === 'string' && link.startsWith(this.graph.baseUrl) ? link.slice(this.graph.baseUrl.length) : undefined;
    }
    return items;
  }
}
