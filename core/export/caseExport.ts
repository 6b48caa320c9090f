import type { Bundle } from '@medplum/fhirtypes';
import type { Actor, Case } from '../domain/case';
import { copenhagenDate } from '../domain/dates';
import { DomainError } from '../domain/errors';
import type { AccessLog } from '../audit/accessLog';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import type { CaseRepository } from '../persistence/caseRepository';
import type { ObservationRepository } from '../persistence/observationRepository';
import type { CaseAccess } from '../services/access';
import type { Clock } from '../services/caseService';
import { caseIdFrom } from '../services/access';
import { recordExport } from './audit';
import { caseToFhirBundle, scopeOf, type FhirExportInput } from './fhir';

/** More than this many agreements or observations is refused rather than exported in part. */
export const EXPORT_LIMIT = 5000;

export interface ExportOptions {
  /** The receiving party is a professional: professionals-only content is included (docs/fhir.md). */
  professional: boolean;
}

export interface CaseExport {
  bundle: Bundle;
  /** A file name for the download, e.g. samspil-<case>-fhir-professional-2026-03-02.json. */
  fileName: string;
  resources: number;
}

export interface ExportDependencies {
  caseRepository: CaseRepository;
  agreementRepository: AgreementRepository;
  observationRepository: ObservationRepository;
  assessmentRepository: AssessmentRepository;
  access: CaseAccess;
  accessLog: AccessLog;
}

type Repositories = Pick<ExportDependencies, 'agreementRepository' | 'observationRepository' | 'assessmentRepository'>;

/**
 * Reads what an export holds through the repositories: the agreements, the observations the scope
 * allows (the mapping filters again), and the closed rounds with their answers. Open rounds stay out.
 */
export async function loadExportInput(repos: Repositories, kase: Case, options: ExportOptions): Promise<FhirExportInput> {
  const [agreements, observations, closed] = await Promise.all([
    repos.agreementRepository.forCase(kase._id, EXPORT_LIMIT + 1),
    repos.observationRepository.forCase(kase._id, { familyVisibleOnly: !options.professional, limit: EXPORT_LIMIT + 1 }),
    repos.assessmentRepository.closedRounds(kase._id),
  ]);
  if (agreements.length > EXPORT_LIMIT || observations.length > EXPORT_LIMIT) throw new DomainError('error.exportTooLarge', { max: EXPORT_LIMIT }, 'conflict');
  const rounds = await Promise.all(closed.map(async (round) => ({ round, answers: await repos.assessmentRepository.answersFor(round._id) })));
  return { kase, agreements, observations, rounds };
}

/** Case exports as HL7 FHIR R4 bundles, for the coordinator in the tab and for an operator on the server. */
export class ExportService {
  constructor(
    private readonly deps: ExportDependencies,
    private readonly now: Clock,
  ) {}

  /**
   * An export asked for in the tab. The caller must be an active member (else the usual refusal,
   * audited) and the case's coordinator; anyone else is refused, and the attempt is audited.
   */
  async forCoordinator(actor: Actor, caseId: unknown, options: ExportOptions): Promise<CaseExport> {
    const { kase, member } = await this.deps.access.caseFor(actor, caseId, 'case.read');
    if (member.userId !== kase.coordinatorId) {
      await this.deps.access.refuse(actor, kase, 'case.export', 'role');
      throw new DomainError('error.exportOnlyCoordinator', {}, 'forbidden');
    }
    return this.export(kase, options, { actorId: actor.userId, actorName: actor.name });
  }

  /** An export by an operator on the server (npm run export): no Teams identity, the audit entry names the operator. */
  async asOperator(caseId: unknown, options: ExportOptions, operator: { id: string; name: string }): Promise<CaseExport> {
    const kase = await this.deps.caseRepository.byId(caseIdFrom(caseId));
    if (!kase) throw new DomainError('error.caseNotFound', {}, 'not_found');
    return this.export(kase, options, { actorId: operator.id, actorName: operator.name });
  }

  private async export(kase: Case, options: ExportOptions, by: { actorId: string; actorName: string }): Promise<CaseExport> {
    const at = this.now();
    const bundle = caseToFhirBundle(await loadExportInput(this.deps, kase, options), { professional: options.professional, at });
    const resources = bundle.entry?.length ?? 0;
    // Audited before anything leaves: an export that cannot be recorded is not handed out.
    await recordExport(this.deps.accessLog, { caseId: kase._id, at, ...by, professional: options.professional, resources });
    return { bundle, resources, fileName: `samspil-${kase._id}-fhir-${scopeOf(options.professional)}-${copenhagenDate(at)}.json` };
  }
}
