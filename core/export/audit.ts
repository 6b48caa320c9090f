import type { AccessLog } from '../audit/accessLog';

/** What the audit trail keeps about one export: its format and scope, never its content. */
export interface ExportAuditEntry {
  caseId: string;
  at: Date;
  actorId: string;
  actorName: string;
  professional: boolean;
  /** Entries in the bundle (case data, the questionnaire and the code systems). */
  resources: number;
}

/**
 * An export is a read of the whole case: it goes to the case's hash-chained access log with the
 * surface `export`, so that a person's access request shows who exported data about them (#12).
 */
export async function recordExport(accessLog: AccessLog, entry: ExportAuditEntry): Promise<void> {
  await accessLog.record(entry.caseId, {
    at: entry.at,
    actorId: entry.actorId,
    actorName: entry.actorName,
    action: 'read',
    part: `export.fhir-r4${entry.professional ? '.professional' : ''}`,
    surface: 'export',
    reason: `${entry.resources} resources`,
  });
}
