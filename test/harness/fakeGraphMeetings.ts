import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Microsoft Graph's online meetings, as the fake Graph server (fakeGraph.ts) serves them to an app
 * with an app-only token, in the shapes learn.microsoft.com documents:
 *
 * - `POST /users/{id}/onlineMeetings` and `POST /users/{id}/onlineMeetings/createOrGet`
 *   (201 Created, or 200 OK when createOrGet finds the externalId), `GET`, `PATCH` and `DELETE`
 *   `/users/{id}/onlineMeetings/{meetingId}`;
 * - `GET /users/{id}/onlineMeetings/{meetingId}/attendanceReports` and
 *   `…/attendanceReports/{reportId}/attendanceRecords` (paged with `@odata.nextLink`);
 * - `/me/…` with an app-only token: 400, as Graph answers ("only valid with delegated authentication flow").
 *
 * Permissions as Graph enforces them: the application permission (`OnlineMeetings.ReadWrite.All`,
 * `OnlineMeetingArtifact.Read.All` for attendance) in the token's roles, and an application access
 * policy granted to the user in the path (Teams' New-CsApplicationAccessPolicy), without which Graph
 * answers 403 `General` "No application access policy found for this app."
 */

export interface FakeOnlineMeeting {
  id: string;
  organizerOid: string;
  tenantId: string;
  externalId?: string;
  subject?: string;
  startDateTime: string;
  endDateTime: string;
  joinWebUrl: string;
  attendees: string[];
  creationDateTime: string;
  deleted: boolean;
}

export interface FakeAttendance {
  oid: string;
  displayName: string;
  seconds: number;
  email?: string;
}

interface FakeReport {
  id: string;
  meetingId: string;
  meetingStartDateTime: string;
  meetingEndDateTime: string;
  records: FakeAttendance[];
}

export interface MeetingRequestContext {
  clientId: string;
  tenantId: string;
  roles: Set<string>;
  baseUrl: string;
  query: URLSearchParams;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** How many attendance records one page holds (small, so that paging is exercised). */
export const RECORDS_PAGE_SIZE = 2;

export class FakeOnlineMeetings {
  readonly meetings: FakeOnlineMeeting[] = [];
  private readonly reports: FakeReport[] = [];
  /** Per app: the users an application access policy is granted to ('*' = the whole tenant). */
  private readonly policies = new Map<string, Set<string>>();

  grantAccessPolicy(clientId: string, userOid: string | '*'): void {
    const users = this.policies.get(clientId) ?? new Set<string>();
    users.add(userOid.toLowerCase());
    this.policies.set(clientId, users);
  }

  revokeAccessPolicies(clientId: string): void {
    this.policies.delete(clientId);
  }

  /** After a meeting: the attendance report Teams generates, with who was there and for how long. */
  addAttendanceReport(meetingId: string, records: FakeAttendance[]): void {
    const meeting = this.meetings.find((m) => m.id === meetingId);
    if (!meeting) throw new Error(`FakeOnlineMeetings: no meeting ${meetingId}`);
    this.reports.push({ id: randomUUID(), meetingId, meetingStartDateTime: meeting.startDateTime, meetingEndDateTime: meeting.endDateTime, records });
  }

  live(): FakeOnlineMeeting[] {
    return this.meetings.filter((m) => !m.deleted);
  }

  /** Answers the online-meeting routes; undefined for any other path. */
  handle(method: string, path: string, body: unknown, context: MeetingRequestContext): Answer | undefined {
    if (/^\/me\/onlineMeetings(\/|$)/.test(path)) {
      return { status: 400, body: graphError('BadRequest', '/me request is only valid with delegated authentication flow.') };
    }
    const match = /^\/users\/([^/]+)\/onlineMeetings(?:\/(createOrGet)|\/([^/]+)(?:\/attendanceReports(?:\/([^/]+)(?:\/(attendanceRecords))?)?)?)?$/.exec(path);
    if (!match) return undefined;
    const organizerOid = decodeURIComponent(match[1]!);
    const createOrGet = !!match[2];
    const meetingId = match[3] ? decodeURIComponent(match[3]) : undefined;
    const reportPath = path.includes('/attendanceReports');
    const reportId = match[4] ? decodeURIComponent(match[4]) : undefined;
    const records = !!match[5];

    const needed = reportPath ? ['OnlineMeetingArtifact.Read.All'] : method === 'GET' ? ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'] : ['OnlineMeetings.ReadWrite.All'];
    if (!needed.some((role) => context.roles.has(role))) {
      return { status: 403, body: graphError('Forbidden', `Missing role permissions on the request. API requires one of '${needed.join(', ')}'. Roles on the request '${[...context.roles].join(', ')}'.`) };
    }
    const policy = this.policies.get(context.clientId);
    if (!policy || !(policy.has('*') || policy.has(organizerOid.toLowerCase()))) {
      return { status: 403, body: graphError('General', 'No application access policy found for this app.') };
    }

    if (!meetingId) {
      if (method !== 'POST') return { status: 405, body: graphError('MethodNotAllowed', method) };
      return this.create(organizerOid, body as Record<string, unknown> | undefined, context, createOrGet);
    }
    const meeting = this.meetings.find((m) => m.id === meetingId && m.organizerOid.toLowerCase() === organizerOid.toLowerCase() && !m.deleted);
    if (!meeting) return { status: 404, body: graphError('NotFound', 'The specified meeting was not found.') };

    if (reportPath) {
      if (method !== 'GET') return { status: 405, body: graphError('MethodNotAllowed', method) };
      const reports = this.reports.filter((r) => r.meetingId === meeting.id);
      if (!reportId) {
        return { status: 200, body: { '@odata.context': `${context.baseUrl}/$metadata#users('${organizerOid}')/onlineMeetings('${meeting.id}')/attendanceReports`, value: reports.map(reportJson) } };
      }
      const report = reports.find((r) => r.id === reportId);
      if (!report) return { status: 404, body: graphError('NotFound', 'The specified attendance report was not found.') };
      if (!records) return { status: 200, body: reportJson(report) };
      const skip = Number(context.query.get('$skiptoken') ?? '0') || 0;
      const page = report.records.slice(skip, skip + RECORDS_PAGE_SIZE);
      const next = skip + RECORDS_PAGE_SIZE < report.records.length ? `${context.baseUrl}${path}?$skiptoken=${skip + RECORDS_PAGE_SIZE}` : undefined;
      return {
        status: 200,
        body: { '@odata.context': `${context.baseUrl}/$metadata#attendanceRecords`, value: page.map((r) => recordJson(r, report, context.tenantId)), ...(next ? { '@odata.nextLink': next } : {}) },
      };
    }

    if (method === 'GET') return { status: 200, body: meetingJson(meeting, context.baseUrl) };
    if (method === 'DELETE') {
      meeting.deleted = true;
      return { status: 204 };
    }
    if (method === 'PATCH') {
      const patch = (body ?? {}) as Record<string, unknown>;
      for (const field of ['startDateTime', 'endDateTime'] as const) {
        if (patch[field] === undefined) continue;
        if (typeof patch[field] !== 'string' || Number.isNaN(Date.parse(patch[field] as string))) return { status: 400, body: graphError('BadRequest', `Invalid ${field}.`) };
        meeting[field] = new Date(patch[field] as string).toISOString();
      }
      if (typeof patch.subject === 'string') meeting.subject = patch.subject;
      return { status: 200, body: meetingJson(meeting, context.baseUrl) };
    }
    return { status: 405, body: graphError('MethodNotAllowed', method) };
  }

  private create(organizerOid: string, body: Record<string, unknown> | undefined, context: MeetingRequestContext, createOrGet: boolean): Answer {
    const externalId = typeof body?.externalId === 'string' ? body.externalId : undefined;
    if (createOrGet && !externalId) return { status: 400, body: graphError('BadRequest', 'ExternalId is required.') };
    const existing = externalId ? this.meetings.find((m) => m.externalId === externalId && m.organizerOid.toLowerCase() === organizerOid.toLowerCase() && !m.deleted) : undefined;
    if (existing && createOrGet) return { status: 200, body: meetingJson(existing, context.baseUrl) };
    const start = body?.startDateTime;
    const end = body?.endDateTime;
    for (const [field, value] of [['startDateTime', start], ['endDateTime', end]] as const) {
      if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) return { status: 400, body: graphError('BadRequest', `Invalid ${field}.`) };
    }
    const now = Date.now();
    const startDateTime = typeof start === 'string' ? new Date(start).toISOString() : new Date(now).toISOString();
    const endDateTime = typeof end === 'string' ? new Date(end).toISOString() : new Date(now + 3_600_000).toISOString();
    if (endDateTime < startDateTime) return { status: 400, body: graphError('BadRequest', 'The end time must be after the start time.') };
    const attendees = ((body?.participants as { attendees?: Array<{ identity?: { user?: { id?: unknown } } }> } | undefined)?.attendees ?? []).map((a) => a.identity?.user?.id);
    if (attendees.some((id) => typeof id !== 'string')) return { status: 400, body: graphError('BadRequest', 'Invalid attendee identity.') };
    const thread = `19:meeting_${randomBytes(24).toString('base64url')}@thread.v2`;
    const meeting: FakeOnlineMeeting = {
      id: Buffer.from(`1*${organizerOid}*0**${thread}`).toString('base64').replace(/=+$/, ''),
      organizerOid,
      tenantId: context.tenantId,
      externalId,
      subject: typeof body?.subject === 'string' ? body.subject : undefined,
      startDateTime,
      endDateTime,
      joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(thread)}/0?context=${encodeURIComponent(JSON.stringify({ Tid: context.tenantId, Oid: organizerOid }))}`,
      attendees: attendees as string[],
      creationDateTime: new Date(now).toISOString(),
      deleted: false,
    };
    this.meetings.push(meeting);
    return { status: 201, body: meetingJson(meeting, context.baseUrl) };
  }
}

function graphError(code: string, message: string): unknown {
  return { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } };
}

function meetingJson(m: FakeOnlineMeeting, baseUrl: string): unknown {
  const thread = decodeURIComponent(m.joinWebUrl.split('/l/meetup-join/')[1]!.split('/')[0]!);
  return {
    '@odata.context': `${baseUrl}/$metadata#users('${m.organizerOid}')/onlineMeetings/$entity`,
    id: m.id,
    creationDateTime: m.creationDateTime,
    startDateTime: m.startDateTime,
    endDateTime: m.endDateTime,
    joinUrl: m.joinWebUrl,
    joinWebUrl: m.joinWebUrl,
    meetingCode: String(parseInt(m.id.slice(0, 8).replace(/[^0-9a-f]/gi, '0'), 16)).slice(0, 12),
    subject: m.subject ?? null,
    externalId: m.externalId ?? null,
    isBroadcast: false,
    autoAdmittedUsers: 'everyoneInCompany',
    allowedPresenters: 'everyone',
    lobbyBypassSettings: { scope: 'organization', isDialInBypassEnabled: false },
    chatInfo: { threadId: thread, messageId: '0', replyChainMessageId: null },
    participants: {
      organizer: { upn: null, role: 'presenter', identity: { user: { id: m.organizerOid, tenantId: m.tenantId, displayName: null } } },
      attendees: m.attendees.map((id) => ({ upn: null, role: 'attendee', identity: { user: { id, tenantId: m.tenantId, displayName: null } } })),
    },
    videoTeleconferenceId: null,
  };
}

function reportJson(r: FakeReport): unknown {
  return { id: r.id, totalParticipantCount: r.records.length, meetingStartDateTime: r.meetingStartDateTime, meetingEndDateTime: r.meetingEndDateTime };
}

function recordJson(record: FakeAttendance, report: FakeReport, tenantId: string): unknown {
  const join = new Date(report.meetingStartDateTime);
  return {
    emailAddress: record.email ?? null,
    totalAttendanceInSeconds: record.seconds,
    role: 'Attendee',
    identity: { id: record.oid, displayName: record.displayName, tenantId },
    attendanceIntervals: record.seconds > 0 ? [{ joinDateTime: join.toISOString(), leaveDateTime: new Date(join.getTime() + record.seconds * 1000).toISOString(), durationInSeconds: record.seconds }] : [],
  };
}
