import fc from 'fast-check';
import type { AssessmentSummary, LevelCounts } from './assessment';
import { addDays } from './dates';
import {
  DEFAULT_EARLY_WARNING_RULES,
  areaWorsenedSignals,
  crossDisciplineSignal,
  disagreementSignals,
  evaluateEarlyWarning,
  levelOfAverage,
  newSignals,
  redObservationSignal,
  signalInputs,
  signalKey,
  type EarlyWarningInput,
  type EarlyWarningRules,
  type WarningObservation,
  type WarningRound,
} from './earlyWarning';
import { PROFESSIONAL_ROLES, ROLES, type Role } from './roles';
import { ASSESSMENT_AREAS, WELLBEING_LEVELS, type AssessmentArea, type WellbeingLevel } from './scales';

const RULES = DEFAULT_EARLY_WARNING_RULES;
/** Noon in Copenhagen on 2026-04-10 (summer time), so a window of 56 days reaches back across the change to summer time. */
const NOW = new Date('2026-04-10T10:00:00Z');
const TODAY = '2026-04-10';

/** An observation made at 12:00 Copenhagen time on the given day (CET or CEST alike). */
const noonOn = (day: string): Date => {
  const utcHour = day >= '2026-03-29' && day < '2026-10-25' ? 10 : 11;
  return new Date(`${day}T${String(utcHour).padStart(2, '0')}:00:00Z`);
};
let seq = 0;
const obs = (authorRole: Role, level: WellbeingLevel, daysAgo: number, id = `o${++seq}`): WarningObservation => ({ _id: id, authorRole, level, createdAt: noonOn(addDays(TODAY, -daysAgo)) });
const input = (observations: WarningObservation[], rounds: WarningRound[] = []): EarlyWarningInput => ({ now: NOW, observations, rounds });
const cross = (observations: WarningObservation[], rule: Partial<EarlyWarningRules['crossDiscipline']> = {}) => crossDisciplineSignal(input(observations), { ...RULES.crossDiscipline, ...rule });

describe('yellow or red from two different disciplines within 8 weeks', () => {
  test('a teacher’s yellow and a health visitor’s red in the window fire, naming both observations', () => {
    expect(cross([obs('teacher', 'yellow', 10, 'a'), obs('health_visitor', 'red', 3, 'b')])).toEqual({ rule: 'crossDiscipline', observationIds: ['a', 'b'] });
  });

  test('exactly 8 weeks (56 calendar days) ago still counts; 8 weeks and one day does not', () => {
    expect(cross([obs('teacher', 'yellow', 56, 'old'), obs('pedagogue', 'yellow', 0, 'new')])).toEqual({ rule: 'crossDiscipline', observationIds: ['old', 'new'] });
    expect(cross([obs('teacher', 'yellow', 57, 'old'), obs('pedagogue', 'yellow', 0, 'new')])).toBeNull();
  });

  test('the window is in Copenhagen calendar days: late evening UTC is already the next day here', () => {
    const first = addDays(TODAY, -56); // 2026-02-13
    const lateOnTheDayBefore = { _id: 'late', authorRole: 'teacher' as const, level: 'yellow' as const, createdAt: new Date(`${addDays(first, -1)}T23:30:00Z`) }; // 00:30 on 2026-02-13 in Copenhagen
    const earlierThatEvening = { ...lateOnTheDayBefore, _id: 'early', createdAt: new Date(`${addDays(first, -1)}T22:30:00Z`) }; // 23:30 on 2026-02-12
    expect(cross([lateOnTheDayBefore, obs('doctor', 'red', 1, 'd')])?.observationIds).toEqual(['late', 'd']);
    expect(cross([earlierThatEvening, obs('doctor', 'red', 1, 'd')])).toBeNull();
  });

  test('two concerns from the same discipline never fire, however many and however close', () => {
    expect(cross([obs('teacher', 'red', 1), obs('teacher', 'yellow', 2), obs('teacher', 'red', 3)])).toBeNull();
  });

  test('green does not count, nor do parents or network by default (they are no discipline), nor anything after now', () => {
    expect(cross([obs('teacher', 'yellow', 1), obs('pedagogue', 'green', 1)])).toBeNull();
    expect(cross([obs('teacher', 'yellow', 1), obs('parent', 'red', 1), obs('network', 'red', 1)])).toBeNull();
    expect(cross([obs('teacher', 'yellow', 1), { ...obs('pedagogue', 'red', 0), createdAt: new Date(NOW.getTime() + 60_000) }])).toBeNull();
  });

  test('the rule is configurable: window, number of disciplines, levels, which roles count, and off', () => {
    const two = [obs('teacher', 'yellow', 20, 'a'), obs('parent', 'yellow', 1, 'b')];
    expect(cross(two, { disciplines: ROLES })?.observationIds).toEqual(['a', 'b']);
    expect(cross(two, { disciplines: ROLES, windowDays: 14 })).toBeNull();
    expect(cross([obs('teacher', 'red', 1), obs('doctor', 'red', 1)], { minDisciplines: 3 })).toBeNull();
    expect(cross([obs('teacher', 'yellow', 1), obs('doctor', 'red', 1)], { levels: ['red'] })).toBeNull();
    expect(cross([obs('teacher', 'red', 1), obs('doctor', 'red', 1)], { enabled: false })).toBeNull();
  });
});

describe('any red observation', () => {
  test('fires for every red observation up to now, naming them', () => {
    const signal = redObservationSignal(input([obs('parent', 'red', 400, 'r1'), obs('teacher', 'yellow', 1), obs('teacher', 'red', 2, 'r2')]), RULES.redObservation);
    expect(signal).toEqual({ rule: 'redObservation', observationIds: ['r1', 'r2'] });
    expect(redObservationSignal(input([obs('teacher', 'yellow', 1)]), RULES.redObservation)).toBeNull();
    expect(redObservationSignal(input([obs('teacher', 'red', 1)]), { enabled: false })).toBeNull();
  });

  test('can be limited to recent ones, with the same calendar-day boundary', () => {
    const rule = { enabled: true, withinDays: 56 };
    expect(redObservationSignal(input([obs('teacher', 'red', 56, 'in')]), rule)?.observationIds).toEqual(['in']);
    expect(redObservationSignal(input([obs('teacher', 'red', 57)]), rule)).toBeNull();
  });
});

const counts = (levels: WellbeingLevel[]): LevelCounts => ({ green: levels.filter((l) => l === 'green').length, yellow: levels.filter((l) => l === 'yellow').length, red: levels.filter((l) => l === 'red').length });
const mean = (c: LevelCounts): number | null => {
  const n = c.green + c.yellow + c.red;
  return n ? Math.round(((c.yellow + 2 * c.red) / n) * 100) / 100 : null;
};
/** A closed round whose areas have the given family and professional answers (unlisted areas: nobody answered). */
const round = (id: string, number: number, areas: Partial<Record<AssessmentArea, { family?: WellbeingLevel[]; professional?: WellbeingLevel[] }>>, status: 'open' | 'closed' = 'closed'): WarningRound => {
  const summary: AssessmentSummary = {
    roundNumber: number,
    respondents: 0,
    areas: ASSESSMENT_AREAS.map((area) => {
      const family = counts(areas[area]?.family ?? []);
      const professional = counts(areas[area]?.professional ?? []);
      const all = counts([...(areas[area]?.family ?? []), ...(areas[area]?.professional ?? [])]);
      return { area, counts: all, family, professional, average: mean(all), disagreement: false, changeSincePrevious: null };
    }),
  };
  return { _id: id, number, status, summary };
};
const allAreas = (levels: { family?: WellbeingLevel[]; professional?: WellbeingLevel[] }) => Object.fromEntries(ASSESSMENT_AREAS.map((a) => [a, levels]));
const worsened = (rounds: WarningRound[], rule: Partial<EarlyWarningRules['areaWorsened']> = {}) => areaWorsenedSignals(input([], rounds), { ...RULES.areaWorsened, ...rule });

describe('an assessment area that turns red or falls two steps', () => {
  test('an area’s level is its average rounded to the nearest step, halves towards more worry', () => {
    expect([0, 0.49, 0.5, 1.49, 1.5, 2].map(levelOfAverage)).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red']);
  });

  test('yellow to red fires "turned red" for that area, naming the latest and the previous round', () => {
    const signals = worsened([round('r1', 1, { social: { professional: ['yellow'] } }), round('r2', 2, { social: { professional: ['red'] } })]);
    expect(signals).toEqual([{ rule: 'areaWorsened', roundId: 'r2', previousRoundId: 'r1', area: 'social', reasons: ['turnedRed'] }]);
  });

  test('green to red is two steps and turns red', () => {
    const signals = worsened([round('r1', 1, { physical: { family: ['green'] } }), round('r2', 2, { physical: { family: ['red'] } })]);
    expect(signals).toEqual([expect.objectContaining({ area: 'physical', reasons: ['turnedRed', 'fellSteps'] })]);
  });

  test('the boundary of red: an average of 1.5 is red, 1.33 is not', () => {
    const before = round('r1', 1, { emotional: { professional: ['yellow'] } });
    expect(worsened([before, round('r2', 2, { emotional: { professional: ['yellow', 'red'] } })])).toHaveLength(1);
    expect(worsened([before, round('r2', 2, { emotional: { professional: ['yellow', 'yellow', 'red'] } })])).toEqual([]);
  });

  test('staying red, one step worse, getting better, or an area nobody rated does not fire', () => {
    expect(worsened([round('r1', 1, allAreas({ professional: ['red'] })), round('r2', 2, allAreas({ professional: ['red'] }))])).toEqual([]);
    expect(worsened([round('r1', 1, allAreas({ professional: ['green'] })), round('r2', 2, allAreas({ professional: ['yellow'] }))])).toEqual([]);
    expect(worsened([round('r1', 1, allAreas({ professional: ['red'] })), round('r2', 2, allAreas({ professional: ['green'] }))])).toEqual([]);
    expect(worsened([round('r1', 1, {}), round('r2', 2, allAreas({ professional: ['red'] }))])).toEqual([]);
  });

  test('only the latest two closed rounds count, whatever order they come in; open rounds and a single round do not', () => {
    const r1 = round('r1', 1, { cognitive: { professional: ['green'] } });
    const r2 = round('r2', 2, { cognitive: { professional: ['red'] } });
    const r3 = round('r3', 3, { cognitive: { professional: ['red'] } });
    expect(worsened([r3, r1, r2])).toEqual([]);
    expect(worsened([r2, r1])).toHaveLength(1);
    expect(worsened([r1, round('open', 2, { cognitive: { professional: ['red'] } }, 'open')])).toEqual([]);
    expect(worsened([r2])).toEqual([]);
  });

  test('configurable: one step is enough, "turns red" can be off, and the rule can be off', () => {
    const greenToYellow = [round('r1', 1, { social: { family: ['green'] } }), round('r2', 2, { social: { family: ['yellow'] } })];
    expect(worsened(greenToYellow, { minSteps: 1 })).toEqual([expect.objectContaining({ area: 'social', reasons: ['fellSteps'] })]);
    const yellowToRed = [round('r1', 1, { social: { family: ['yellow'] } }), round('r2', 2, { social: { family: ['red'] } })];
    expect(worsened(yellowToRed, { turnsRed: false })).toEqual([]);
    expect(worsened(yellowToRed, { enabled: false })).toEqual([]);
  });
});

const disagree = (rounds: WarningRound[], rule: Partial<EarlyWarningRules['disagreement']> = {}) => disagreementSignals(input([], rounds), { ...RULES.disagreement, ...rule });

describe('a strong disagreement between the family and the professionals', () => {
  test('"strong" is 1.5 steps or more between the two averages: 0 against 1.5 fires, 0 against 1.33 does not', () => {
    expect(disagree([round('r1', 1, { emotional: { family: ['green'], professional: ['yellow', 'red'] } })])).toEqual([{ rule: 'disagreement', roundId: 'r1', area: 'emotional' }]);
    expect(disagree([round('r1', 1, { emotional: { family: ['green'], professional: ['yellow', 'yellow', 'red'] } })])).toEqual([]);
  });

  test('either way round, in the latest closed round only', () => {
    expect(disagree([round('r1', 1, { social: { family: ['red', 'red'], professional: ['green'] } })])).toHaveLength(1);
    const old = round('r1', 1, { social: { family: ['red'], professional: ['green'] } });
    expect(disagree([old, round('r2', 2, { social: { family: ['yellow'], professional: ['green'] } })])).toEqual([]);
    expect(disagree([old, round('r2', 2, allAreas({ family: ['red'], professional: ['green'] }), 'open')])).toHaveLength(1);
  });

  test('no signal when one side did not answer; the threshold is configurable', () => {
    expect(disagree([round('r1', 1, { social: { professional: ['red'] } })])).toEqual([]);
    expect(disagree([round('r1', 1, { social: { family: ['yellow'], professional: ['red'] } })], { minDifference: 1 })).toHaveLength(1);
    expect(disagree([round('r1', 1, { social: { family: ['green'], professional: ['red'] } })], { enabled: false })).toEqual([]);
  });
});

describe('all rules together', () => {
  test('signals come in a fixed order and name only inputs', () => {
    const observations = [obs('teacher', 'red', 3, 'red-1'), obs('health_visitor', 'yellow', 2, 'yellow-1')];
    const rounds = [
      round('r1', 1, { social: { family: ['yellow'], professional: ['yellow'] } }),
      round('r2', 2, { social: { family: ['red'], professional: ['red'] }, emotional: { family: ['green'], professional: ['red', 'red'] } }),
    ];
    expect(evaluateEarlyWarning(input(observations, rounds))).toEqual([
      { rule: 'crossDiscipline', observationIds: ['red-1', 'yellow-1'] },
      { rule: 'redObservation', observationIds: ['red-1'] },
      { rule: 'areaWorsened', roundId: 'r2', previousRoundId: 'r1', area: 'social', reasons: ['turnedRed'] },
      { rule: 'disagreement', roundId: 'r2', area: 'emotional' },
    ]);
    expect(evaluateEarlyWarning(input([], []))).toEqual([]);
  });
});

describe('telling once: which signals are news', () => {
  const red = (...ids: string[]) => ({ rule: 'redObservation' as const, observationIds: ids });
  const cross = (...ids: string[]) => ({ rule: 'crossDiscipline' as const, observationIds: ids });
  const area = { rule: 'areaWorsened' as const, roundId: 'r2', previousRoundId: 'r1', area: 'social' as const, reasons: ['turnedRed' as const] };

  test('a signal is keyed by its rule and its inputs, whatever their order', () => {
    expect(signalKey(red('b', 'a'))).toBe(signalKey(red('a', 'b')));
    expect(signalKey(red('a'))).not.toBe(signalKey(cross('a')));
    expect(signalInputs(area)).toEqual(['r2|social']);
    expect(signalKey({ rule: 'disagreement', roundId: 'r2', area: 'social' })).not.toBe(signalKey(area));
  });

  test('nothing told yet: every signal is news, with all its inputs new', () => {
    expect(newSignals([red('a'), area], [])).toEqual([
      { signal: red('a'), newInputs: ['a'] },
      { signal: area, newInputs: ['r2|social'] },
    ]);
  });

  test('the same warning again (a redelivery, a second evaluation, another instance) is no news', () => {
    expect(newSignals([red('a', 'b'), area], [{ rule: 'redObservation', inputs: ['a', 'b'] }, { rule: 'areaWorsened', inputs: ['r2|social'] }])).toEqual([]);
  });

  test('a new red observation is news, naming only it as new; an input that left the window is not', () => {
    const told = [{ rule: 'redObservation' as const, inputs: ['a'] }];
    expect(newSignals([red('a', 'b')], told)).toEqual([{ signal: red('a', 'b'), newInputs: ['b'] }]);
    const crossTold = [{ rule: 'crossDiscipline' as const, inputs: ['a', 'b', 'c'] }];
    expect(newSignals([cross('b', 'c')], crossTold)).toEqual([]);
  });

  test('what one rule told does not silence another rule with the same inputs', () => {
    expect(newSignals([cross('a', 'b')], [{ rule: 'redObservation', inputs: ['a', 'b'] }])).toHaveLength(1);
  });
});

describe('properties', () => {
  const level = fc.constantFrom(...WELLBEING_LEVELS);
  const role = fc.constantFrom(...ROLES);
  const observation = fc.record({ id: fc.uuid(), role, level, daysAgo: fc.integer({ min: -3, max: 120 }) }).map((o) => obs(o.role, o.level, o.daysAgo, o.id));
  const observations = fc.uniqueArray(observation, { maxLength: 25, selector: (o) => o._id });
  const answers = fc.array(level, { maxLength: 4 });
  const areaAnswers = fc.record({ family: answers, professional: answers });
  const rounds = fc.array(fc.tuple(fc.dictionary(fc.constantFrom(...ASSESSMENT_AREAS), areaAnswers), fc.boolean()), { maxLength: 4 }).map((specs) => specs.map(([areas, closed], i) => round(`r${i + 1}`, i + 1, areas, closed ? 'closed' : 'open')));

  /** Whether a JSON value holds a number anywhere. */
  const holdsNumber = (value: unknown): boolean => (typeof value === 'number' ? true : Array.isArray(value) ? value.some(holdsNumber) : value && typeof value === 'object' ? Object.values(value).some(holdsNumber) : false);

  test('no signal ever carries a number, and every ID it names is one of the inputs', () => {
    fc.assert(
      fc.property(observations, rounds, (os, rs) => {
        const signals = evaluateEarlyWarning(input(os, rs));
        expect(holdsNumber(signals)).toBe(false);
        const known = new Set([...os.map((o) => o._id), ...rs.map((r) => r._id)]);
        for (const s of signals) {
          const ids = 'observationIds' in s ? s.observationIds : [s.roundId, ...('previousRoundId' in s ? [s.previousRoundId] : [])];
          for (const id of ids) expect(known.has(id)).toBe(true);
        }
      }),
    );
  });

  test('cross-discipline fires exactly when professional concerns of the last 56 days come from two roles or more, in any order', () => {
    fc.assert(
      fc.property(observations, (os) => {
        const expected = os.filter((o) => o.level !== 'green' && (PROFESSIONAL_ROLES as readonly string[]).includes(o.authorRole) && o.createdAt <= NOW && o.createdAt >= noonOn(addDays(TODAY, -56)));
        const signal = cross(os);
        const shuffled = cross([...os].reverse());
        expect(signal === null).toBe(new Set(expected.map((o) => o.authorRole)).size < 2);
        expect(shuffled).toEqual(signal);
        if (signal) expect([...signal.observationIds].sort()).toEqual(expected.map((o) => o._id).sort());
      }),
    );
  });

  test('concerns from a single discipline never fire cross-discipline', () => {
    fc.assert(fc.property(observations, role, (os, only) => expect(cross(os.map((o) => ({ ...o, authorRole: only })))).toBeNull()));
  });

  test('the red rule names exactly the red observations up to now', () => {
    fc.assert(
      fc.property(observations, (os) => {
        const red = os.filter((o) => o.level === 'red' && o.createdAt <= NOW).map((o) => o._id);
        const signal = redObservationSignal(input(os), RULES.redObservation);
        expect(signal === null ? [] : [...signal.observationIds].sort()).toEqual(red.sort());
      }),
    );
  });

  test('disagreement does not depend on which side is the family', () => {
    fc.assert(
      fc.property(rounds, (rs) => {
        const swapped = rs.map((r) => ({ ...r, summary: r.summary && { ...r.summary, areas: r.summary.areas.map((a) => ({ ...a, family: a.professional, professional: a.family })) } }));
        expect(disagree(swapped)).toEqual(disagree(rs));
      }),
    );
  });

  test('a round that repeats the one before never reports a worsened area', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...ASSESSMENT_AREAS), areaAnswers), (areas) => {
        expect(worsened([round('r1', 1, areas), round('r2', 2, areas)])).toEqual([]);
      }),
    );
  });
});
