import type { AccessLog } from '../audit/accessLog';
import type { EventBus } from '../audit/bus';
import type { CaseEvent, EventType } from '../audit/events';
import type { Actor, Case } from '../domain/case';
import { levelOfAverage } from '../domain/earlyWarning';
import { DomainError } from '../domain/errors';
import { aggregate, attentionOf, meetingFactsOf, periodFrom, type CaseFacts, type LeaderAggregates, type Period } from '../domain/leaderOverview';
import { decide } from '../domain/policy';
import type { AgreementRepository } from '../persistence/agreementRepository';
import type { AssessmentRepository } from '../persistence/assessmentRepository';
import type { CaseRepository } from '../persistence/caseRepository';
import type { EarlyWarningRepository } from '../persistence/earlyWarningRepository';
import type { LeaderFactsRepository } from '../persistence/leaderFactsRepository';
import type { ScheduledMeetingRepository } from '../persistence/meetingRepository';
import { CaseQueue } from './caseQueue';
import type { Clock } from './caseService';

/**
 * A leader's overview across the cases of their unit (issue #14, part 2; docs/leader.md).
 *
 * - **Who**: a unit is configured (`LEADER_UNITS`): its leaders are the members of an Entra group
 *   (checked by the tab through Microsoft Graph, passed in here as the caller's groups) or listed
 *   object IDs; its cases are those living in its Teams teams, channels or chats.
 * - **What**: aggregates only (core/domain/leaderOverview.ts), with counts under 5 as "< 5". A case
 *   is named only to a leader who is an active member of it.
 * - **How fast**: one projection document per case (`leaderFacts`: agreements, rounds, warnings,
 *   consent, meetings), kept in step with the histories (`follow`), read with one indexed query per
 *   team; `refreshStale` repairs what a crash missed.
 * - **Logged**: every view is one entry in the unit's own hash-chained access log (`leader:<unit>`),
 *   with the filters, how many cases it covered and the IDs of the cases it named. Refusals are
 *   logged the same way.
 */

export interface LeaderPlace {
  id: string;
  name: string;
}

export interface LeaderUnit {
  id: string;
  name: string;
  /** The Entra group whose (transitive) members lead the unit. */
  leaderGroupId?: string;
  /** Entra object IDs of leaders, in addition to (or instead of) the group. */
  leaders: string[];
  /** Teams teams (the team's thread ID, `19:…@thread.tacv2`) whose cases belong to the unit. */
  teams: LeaderPlace[];
  /** Single channels or group chats (their conversation ID) whose case belongs to the unit. */
  conversations: LeaderPlace[];
}

export interface LeaderSettings {
  units: LeaderUnit[];
  inactiveWeeks: number;
  consentPendingDays: number;
}

export const DEFAULT_LEADER_SETTINGS: LeaderSettings = { units: [], inactiveWeeks: 4, consentPendingDays: 14 };

export interface LeaderQuery {
  unit?: unknown;
  team?: unknown;
  from?: unknown;
  to?: unknown;
}

export interface NamedCase {
  id: string;
  title: string;
  childRef: string;
  status: Case['status'];
  attention: ReturnType<typeof attentionOf>;
}

export interface LeaderOverview {
  unit: { id: string; name: string };
  /** The units the caller leads, for the unit picker. */
  units: Array<{ id: string; name: string }>;
  /** The unit's teams, channels and chats, for the team filter. */
  places: LeaderPlace[];
  filters: { team: string | null; period: Period };
  settings: { inactiveWeeks: number; consentPendingDays: number };
  aggregates: LeaderAggregates;
  /** Cases in the selection that the caller is an active member of: only these are named. */
  yourCases: NamedCase[];
  generatedAt: string;
}

/** Changes that are not a person's activity in the case: bookkeeping and what the app itself records. */
const NOT_ACTIVITY: ReadonlySet<EventType> = new Set<EventType>(['member.linked', 'earlyWarning.raised', 'person.erased']);
/** Changes after which a case's facts are read again in full; any other change only moves "last activity". */
const REFRESH_PREFIXES = ['case.', 'member.', 'agreement.', 'earlyWarning.', 'meeting.'];
const REFRESH_TYPES: ReadonlySet<string> = new Set(['assessment.closed', 'person.erased']);
const needsRefresh = (type: string) => REFRESH_TYPES.has(type) || REFRESH_PREFIXES.some((prefix) => type.startsWith(prefix));

/** Changes whose facts come from the case document alone (status, dates, members). */
const CASE_DOCUMENT_EVENT = /^(case|member)\./;

/** What the case document alone decides in a case's facts. */
const caseDocumentFacts = (kase: Case) => ({
  _id: kase._id,
  teamId: kase.conversation.teamId ?? null,
  conversationId: kase.conversation.conversationId,
  status: kase.status,
  createdAt: kase.createdAt,
  closedAt: kase.status === 'closed' ? kase.updatedAt : null,
  pendingConsent: kase.members.filter((m) => m.status === 'pending' && m.consent.state === 'pending').map((m) => m.addedAt),
  memberIds: kase.members.filter((m) => m.status === 'active' && m.aadObjectId).map((m) => m.aadObjectId!.toLowerCase()),
});

const unitChain = (unitId: string) => `leader:${unitId}`;
/** How long a read of a team's facts serves later views (unless this process changed facts meanwhile). */
export const FACTS_REUSE_MS = 5_000;
export const NO_UNIT_CHAIN = 'leader:none';

/** A full refresh of a case's facts reads up to 500 agreements: the next one starts at least this long after the last. */
export const REFRESH_MIN_GAP_MS = 1000;

export class LeaderOverviewService {
  private readonly background = new CaseQueue(REFRESH_MIN_GAP_MS);
  /** Facts reads under way or recently done, per team or conversation (`shared`). */
  private readonly reads = new Map<string, { facts: Promise<CaseFacts[]>; done?: number }>();

  constructor(
    private readonly facts: LeaderFactsRepository,
    private readonly cases: CaseRepository,
    private readonly agreements: AgreementRepository,
    private readonly rounds: AssessmentRepository,
    private readonly warnings: EarlyWarningRepository,
    private readonly meetings: Pick<ScheduledMeetingRepository, 'forCase'>,
    private readonly accessLog: AccessLog,
    private readonly changes: Pick<EventBus, 'subscribe'>,
    private readonly now: Clock,
    private readonly settings: LeaderSettings = DEFAULT_LEADER_SETTINGS,
  ) {}

  // ---- who leads what ----

  /** The Entra groups whose membership decides leadership: the tab asks the directory about these. */
  leaderGroupIds(): string[] {
    return [...new Set(this.settings.units.flatMap((u) => (u.leaderGroupId ? [u.leaderGroupId.toLowerCase()] : [])))];
  }

  /** The units a person leads: by object ID in the configuration, or by membership of the unit's group. */
  unitsLedBy(actor: Actor, groups: ReadonlySet<string>): LeaderUnit[] {
    const oid = actor.aadObjectId?.toLowerCase();
    const inGroups = new Set([...groups].map((g) => g.toLowerCase()));
    return this.settings.units.filter((u) => (oid && u.leaders.some((l) => l.toLowerCase() === oid)) || (u.leaderGroupId && inGroups.has(u.leaderGroupId.toLowerCase())));
  }

  // ---- the overview ----

  /**
   * The overview of one unit the caller leads (the first, when none is named), for a period
   * (YYYY-MM months; the last 12 by default) and optionally one team. Anyone else is refused, and
   * the refusal is logged.
   */
  async overview(actor: Actor, groups: ReadonlySet<string>, query: LeaderQuery = {}): Promise<LeaderOverview> {
    const led = this.unitsLedBy(actor, groups);
    const asked = typeof query.unit === 'string' ? this.settings.units.find((u) => u.id === query.unit) : undefined;
    const unit = query.unit === undefined ? led[0] : led.find((u) => u.id === asked?.id);
    if (!unit) {
      await this.log(asked ? unitChain(asked.id) : NO_UNIT_CHAIN, actor, 'refused', asked ? 'not_leader' : query.unit === undefined ? 'not_leader' : 'unknown_unit');
      throw new DomainError('error.notLeader', {}, 'forbidden');
    }
    const places = [...unit.teams, ...unit.conversations];
    const team = query.team === undefined || query.team === '' ? null : places.find((p) => p.id === query.team);
    if (team === undefined) throw new DomainError('error.leaderTeamUnknown');
    const now = this.now();
    const period = periodFrom(query.from, query.to, now);
    if (!period) throw new DomainError('error.leaderPeriod');

    const facts = await this.factsOf(unit, team?.id ?? null);
    const aggregates = aggregate(facts, { now, period, inactiveWeeks: this.settings.inactiveWeeks, consentPendingDays: this.settings.consentPendingDays });
    const yourCases = await this.namedCases(actor, facts, now);
    await this.log(unitChain(unit.id), actor, 'read', `team=${team?.id ?? 'all'};from=${period.from};to=${period.to};cases=${facts.length};named=${yourCases.map((c) => c.id).join(',')}`);
    return {
      unit: { id: unit.id, name: unit.name },
      units: led.map((u) => ({ id: u.id, name: u.name })),
      places,
      filters: { team: team?.id ?? null, period },
      settings: { inactiveWeeks: this.settings.inactiveWeeks, consentPendingDays: this.settings.consentPendingDays },
      aggregates,
      yourCases,
      generatedAt: now.toISOString(),
    };
  }

  /** The facts of the unit's cases (or one team's): one indexed query per team, channel or chat. */
  private async factsOf(unit: LeaderUnit, only: string | null): Promise<CaseFacts[]> {
    const teams = unit.teams.filter((t) => !only || t.id === only);
    const conversations = unit.conversations.filter((c) => !only || c.id === only);
    const found = await Promise.all([...teams.map((t) => this.shared(`team:${t.id}`, () => this.facts.byTeam(t.id))), ...conversations.map((c) => this.shared(`conversation:${c.id}`, () => this.facts.byConversation(c.id)))]);
    return [...new Map(found.flat().map((f) => [f._id, f])).values()];
  }

  /**
   * One read for views of the same team close together (leaders opening the overview at a meeting,
   * a leader changing filters): a view shares a read under way, or one finished less than
   * FACTS_REUSE_MS ago, unless this process changed any case's facts since that read started.
   * A change written by another instance shows within FACTS_REUSE_MS.
   */
  private shared(key: string, read: () => Promise<CaseFacts[]>): Promise<CaseFacts[]> {
    const known = this.reads.get(key);
    if (known && (known.done === undefined || Date.now() - known.done < FACTS_REUSE_MS)) return known.facts;
    const entry: { facts: Promise<CaseFacts[]>; done?: number } = { facts: read() };
    this.reads.set(key, entry);
    entry.facts.then(
      () => {
        // A change here meanwhile cleared `reads`, so a read started before it is never kept.
        if (this.reads.get(key) === entry) entry.done = Date.now();
      },
      () => {
        if (this.reads.get(key) === entry) this.reads.delete(key);
      },
    );
    return entry.facts;
  }

  /** The facts changed here: later views read them again. */
  private factsChanged(): void {
    this.reads.clear();
  }

  /**
   * The cases in the selection the caller is an active member of, by name: read from the cases
   * themselves (the facts only point at them) and checked with the same policy as any read. Like
   * the list of one's own cases on the tab's configuration page, the names are not a read of each
   * case's content; the view's entry in the unit's access log lists which cases it named.
   */
  private async namedCases(actor: Actor, facts: CaseFacts[], now: Date): Promise<NamedCase[]> {
    const oid = actor.aadObjectId?.toLowerCase();
    if (!oid) return [];
    const mine = facts.filter((f) => f.memberIds.includes(oid));
    const cases = await Promise.all(mine.map((f) => this.cases.byId(f._id)));
    return cases
      .flatMap((kase, i): NamedCase[] =>
        kase && decide(kase, actor, 'case.read').allowed ? [{ id: kase._id, title: kase.title, childRef: kase.childRef, status: kase.status, attention: attentionOf(mine[i]!, now, this.settings) }] : [],
      )
      .sort((a, b) => a.title.localeCompare(b.title, 'da'));
  }

  private async log(chain: string, actor: Actor, action: 'read' | 'refused', reason: string): Promise<void> {
    await this.accessLog.record(chain, { at: this.now(), actorId: actor.userId, actorName: actor.name, action, part: 'leader.overview', surface: 'tab', reason });
  }

  // ---- keeping the facts in step ----

  /** Follows the case histories: every change refreshes (or touches) its case's facts. Call once per process. */
  follow(onError: (error: unknown) => void): void {
    this.changes.subscribe((event) => this.background.track(this.onEvent(event)), onError);
  }

  async idle(): Promise<void> {
    await this.background.idle();
  }

  async onEvent(event: CaseEvent): Promise<void> {
    const activity = NOT_ACTIVITY.has(event.type) ? null : new Date(event.at);
    if (!needsRefresh(event.type) && (await this.facts.touch(event.caseId, activity, event.seq))) return this.factsChanged();
    if (await this.patch(event, activity)) return;
    await this.refreshCase(event.caseId);
  }

  /**
   * Applies a change to the case or its members to the stored facts from the case document alone,
   * without reading its agreements, rounds, warnings and meetings. Only when the facts are exactly
   * one change behind and nothing moved them on meanwhile (or for a new case's first change);
   * otherwise false, and the case is read in full. Agreement changes are read in full too: in a
   * burst, one full read serves many of them.
   */
  private async patch(event: CaseEvent, activity: Date | null): Promise<boolean> {
    if (!CASE_DOCUMENT_EVENT.test(event.type)) return false;
    // A refresh waiting to start reads the case as it is then, this change included.
    const waiting = this.background.waiting(event.caseId);
    if (waiting) return waiting.then(() => true);
    return this.background.serialized(event.caseId, async () => {
      // A new case's first change has no facts to read; if a refresh stored some meanwhile, the insert
      // (expectNew) finds them and keeps the newer.
      const first = event.type === 'case.created' && event.seq === 1;
      const previous = first ? null : await this.facts.byId(event.caseId);
      // Facts past this change may or may not hold it ("last activity" alone moves them on): read in full.
      if (!first && (!previous || previous.seq !== event.seq - 1)) return false;
      const kase = await this.cases.byId(event.caseId);
      if (!kase) return false;
      const next = { ...(previous ?? { agreements: [], rounds: [], warnings: [], meetings: [] }), ...caseDocumentFacts(kase) };
      const before = previous?.lastActivityAt.getTime() ?? 0;
      const saved = await this.facts.save({ ...next, seq: event.seq, lastActivityAt: new Date(Math.max(before, activity?.getTime() ?? 0, previous ? 0 : kase.createdAt.getTime())), refreshedAt: new Date() }, { expectNew: !previous });
      // Another change moved the facts on meanwhile: this one is not in them, so the case is read in full.
      if (!saved) return false;
      this.factsChanged();
      return true;
    });
  }

  /**
   * Reads a case's facts again from its documents and history. A refresh asked for while another
   * for the same case is still waiting to start is the same refresh: it will read the newer state.
   */
  refreshCase(caseId: string): Promise<void> {
    return this.background.coalesced(caseId, () => this.rebuild(caseId));
  }


  private async rebuild(caseId: string): Promise<void> {
    // The position first: whatever is read after it is at least that current.
    const seq = await this.facts.headSeq(caseId);
    const [kase, agreements, rounds, warnings, meetings, previous] = await Promise.all([
      this.cases.byId(caseId),
      this.agreements.forCase(caseId, 500),
      this.rounds.closedRounds(caseId),
      this.warnings.forCase(caseId, 500),
      // The newest 200 by start, as the meetings list reads them.
      this.meetings.forCase(caseId),
      this.facts.byId(caseId),
    ]);
    if (!kase) return;
    // Last activity: kept in step by every change (touch); read from the history only when the facts are new or behind.
    const newest = !previous || previous.seq < seq ? await this.facts.newestEvent(caseId, seq, (type) => !NOT_ACTIVITY.has(type)) : null;
    const lastActivity = new Date(Math.max(previous?.lastActivityAt.getTime() ?? 0, newest ? new Date(newest.at).getTime() : 0, previous || newest ? 0 : kase.createdAt.getTime()));
    await this.facts.save({
      ...caseDocumentFacts(kase),
      lastActivityAt: lastActivity,
      seq,
      agreements: agreements.map((a) => ({ status: a.status, dueDate: a.dueDate, createdAt: a.createdAt, acceptedAt: a.history.find((h) => h.to === 'accepted')?.at ?? null })),
      rounds: rounds.flatMap((r) =>
        r.summary && r.closedAt
          ? [{ number: r.number, closedAt: r.closedAt, levels: Object.fromEntries(r.summary.areas.flatMap((a) => (a.average === null ? [] : [[a.area, levelOfAverage(a.average)]]))) }]
          : [],
      ),
      warnings: warnings.map((w) => ({ raisedAt: w.raisedAt, status: w.status, answered: !!w.answered, timeToActionMs: w.timeToActionMs ?? null })),
      meetings: meetings.map(meetingFactsOf),
      refreshedAt: new Date(),
    });
    this.factsChanged();
  }

  /**
   * Refreshes every case whose history moved on past its facts (or that has none): after a crash
   * between a change and its refresh, and the first time the app runs with this feature. Returns
   * the cases refreshed (the early warnings are evaluated again for them too).
   */
  async refreshStale(): Promise<string[]> {
    const { heads, facts } = await this.facts.positions();
    const stale = [...heads].filter(([caseId, seq]) => (facts.get(caseId) ?? -1) < seq).map(([caseId]) => caseId);
    for (const caseId of stale) await this.refreshCase(caseId);
    return stale;
  }
}
