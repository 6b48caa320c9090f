import fc from 'fast-check';
import { findCpr, isCprDate, looksLikeCpr, maskCpr } from './cpr';

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

const ZWSP = '\u200B';

describe('CPR numbers are found however they are written', () => {
  test.each([
    ['dash', '010203-1234'],
    ['space', '010203 1234'],
    ['dots and a dash', '01.02.03-1234'],
    ['slashes and a space', '01/02/03 1234'],
    ['no separator', '0102031234'],
    ['pairs', '01 02 03 12 34'],
    ['underscores', '01_02_03_1234'],
    ['backslashes', '01\\02\\03\\1234'],
    ['spaced dash', '010203 - 1234'],
    ['dots and spaces', '01. 02. 03 - 12 34'],
    ['hyphen U+2010', '010203\u20101234'],
    ['non-breaking hyphen U+2011', '010203\u20111234'],
    ['figure dash U+2012', '010203\u20121234'],
    ['en dash U+2013', '010203\u20131234'],
    ['em dash U+2014', '010203\u20141234'],
    ['horizontal bar U+2015', '010203\u20151234'],
    ['minus sign U+2212', '010203\u22121234'],
    ['small hyphen-minus U+FE63', '010203\uFE631234'],
    ['full-width hyphen-minus U+FF0D', '010203\uFF0D1234'],
    ['no-break space', '010203\u00A01234'],
    ['narrow no-break space', '010203\u202F1234'],
    ['thin space', '010203\u20091234'],
    ['ideographic space', '010203\u30001234'],
    ['tab', '010203\t1234'],
    ['full-width digits and dash', '０１０２０３－１２３４'],
    ['Arabic-Indic digits', '٠١٠٢٠٣-١٢٣٤'],
    ['Eastern Arabic-Indic digits', '۰۱۰۲۰۳-۱۲۳۴'],
    ['Devanagari digits', '०१०२०३-१२३४'],
    ['Thai digits', '๐๑๐๒๐๓-๑๒๓๔'],
    ['mathematical bold digits', '𝟎𝟏𝟎𝟐𝟎𝟑-𝟏𝟐𝟑𝟒'],
    ['superscript digits', '⁰¹⁰²⁰³-¹²³⁴'],
    ['mixed scripts', '0١0२๐3-１2³4'],
    ['zero-width spaces between every digit', ['0', '1', '0', '2', '0', '3', '1', '2', '3', '4'].join(ZWSP)],
    ['zero-width joiner and non-joiner', '01\u200D02\u200C03-1234'],
    ['word joiner and BOM', '0102\u206003\uFEFF1234'],
    ['soft hyphen as the dash', '010203\u00AD1234'],
    ['bidi marks', '\u200F010203\u200E-\u200F1234'],
    ['bidi embeddings and isolates', '\u202B0102\u202C03\u2066-\u20691234\u202E'],
    ['variation selector and keycap marks', '0\uFE0F\u20E31\uFE0F\u20E3 0203 1234'],
    ['two lines', '010203\n1234'],
    ['two lines, CRLF', '010203\r\n1234'],
    ['one pair a line', '01\n02\n03\n12\n34'],
    ['blank line between', '010203\n\n1234'],
    ['line separator U+2028', '010203\u20281234'],
  ])('%s', (_name, cpr) => {
    expect(looksLikeCpr(cpr)).toBe(true);
    expect(looksLikeCpr(`Barnets CPR er ${cpr}, se journalen.`)).toBe(true);
    expect(looksLikeCpr(`(${cpr})`)).toBe(true);
    expect(looksLikeCpr(`cpr:${cpr}!`)).toBe(true);
  });

  test('with numbers around it, joined by looser gaps', () => {
    expect(looksLikeCpr('1. 010203-1234')).toBe(true);
    expect(looksLikeCpr('010203-1234 12 år')).toBe(true);
    expect(looksLikeCpr('Møde 01.02.2026 010203-1234')).toBe(true);
    expect(looksLikeCpr('kl. 10.00-12.00 010203-1234')).toBe(true);
    expect(looksLikeCpr('010203-1234 040506-7890')).toBe(true);
    expect(looksLikeCpr('tlf. 20 12 34 56\n010203 1234')).toBe(true);
    expect(looksLikeCpr('10:00 0102031234')).toBe(true);
    expect(looksLikeCpr('0102031234.5')).toBe(true);
  });

  test('with letters directly around it', () => {
    expect(looksLikeCpr('barn0102031234abc')).toBe(true);
    expect(looksLikeCpr('CPR-nr.010203-1234.')).toBe(true);
  });

  test('a number with a four-digit year is not hidden when the same separator continues', () => {
    expect(looksLikeCpr('01.02.03.1995')).toBe(true); // 010203-1995
    expect(looksLikeCpr('01-02-03-1995')).toBe(true);
    expect(looksLikeCpr('01.02.1995.12')).toBe(true); // 010219-9512
  });
});

describe('the first six digits must be a birth date', () => {
  test.each([
    ['29 Feb 2000 (7th digit 4, YY 00 -> 2000, leap)', '290200-4123', true],
    ['29 Feb 2000 (7th digit 5)', '290200-5123', true],
    ['29 Feb 2000 (7th digit 9)', '290200-9123', true],
    ['29 Feb 1900 (7th digit 0-3 -> 1900, not leap)', '290200-1234', false],
    ['29 Feb 1900 (7th digit 3)', '290200-3234', false],
    ['29 Feb 2001', '290201-4123', false],
    ['29 Feb 1901', '290201-1234', false],
    ['29 Feb 1996 (7th digit 4, YY 96 > 36 -> 1996)', '290296-4123', true],
    ['29 Feb 2036 (7th digit 4, YY 36 -> 2036)', '290236-4123', true],
    ['29 Feb 2056 (7th digit 5, YY 56 -> 2056)', '290256-5123', true],
    ['29 Feb 1858 (7th digit 5, YY 58 -> 1858, not leap)', '290258-5123', false],
    ['29 Feb 1860 (7th digit 8, YY 60 -> 1860, leap)', '290260-8123', true],
    ['29 Feb 1904', '290204-2123', true],
    ['28 Feb', '280201-1234', true],
    ['31 Jan', '310199-1234', true],
    ['31 Feb', '310299-1234', false],
    ['30 Feb', '300299-1234', false],
    ['31 Apr', '310499-1234', false],
    ['30 Apr', '300499-1234', true],
    ['31 Jun', '310699-1234', false],
    ['31 Sep', '310999-1234', false],
    ['31 Nov', '311199-1234', false],
    ['31 Dec', '311299-1234', true],
    ['day 00', '000199-1234', false],
    ['day 32', '320199-1234', false],
    ['month 00', '010099-1234', false],
    ['month 13', '011399-1234', false],
    ['month 99', '019999-1234', false],
  ])('%s', (_name, cpr, expected) => {
    expect(looksLikeCpr(cpr)).toBe(expected);
    expect(looksLikeCpr(cpr.replace('-', ' '))).toBe(expected);
    expect(looksLikeCpr(cpr.replace('-', ''))).toBe(expected);
  });

  test('the modulus-11 check is not used', () => {
    // 010203-1234 fails modulus 11; numbers issued since 2007 need not pass it.
    expect(looksLikeCpr('010203-1234')).toBe(true);
  });

  test('isCprDate needs exactly ten digits', () => {
    expect(isCprDate([0, 1, 0, 2, 0, 3, 1, 2, 3, 4])).toBe(true);
    expect(isCprDate([0, 1, 0, 2, 0, 3, 1, 2, 3])).toBe(false);
  });
});

describe('ordinary text and other numbers pass', () => {
  test.each([
    ['plain text', 'Mødet gik godt. Barnet trives i skolen og har fået nye venner.'],
    ['empty', ''],
    ['phone with country code', '+45 12 34 56 78'],
    ['phone with country code, other pairs', 'Ring på +45 20 12 34 56'],
    ['phone', '20 12 34 56'],
    ['phone, no spaces', 'tlf. 20123456'],
    ['two phones, separated by a comma', '20 12 34 56, 30 11 22 33'],
    ['date', '01.02.2003'],
    ['ISO date', '2026-11-27'],
    ['ISO date and time', '2026-11-27 10:00'],
    ['ISO date and time with a T', '2026-11-27T10:00:00Z'],
    ['ISO date and a dotted time', '2012-12-01 10.00'],
    ['date and time', 'Møde 01.02.2026 10.00'],
    ['date and time with colon', 'd. 01.02.2026 10:00'],
    ['date and hour range', '01-02-2026 10-12'],
    ['date and a bare hour', 'Møde 01.02.2026 10'],
    ['date and a number', 'Ny plan pr. 01.03.2026 12 mdr.'],
    ['date and a three-digit number', '12.1.2026 100 kr'],
    ['period', 'perioden 01.02.2026-03.04.2026'],
    ['period with spaces', 'perioden 01.02.2026 - 03.04.2026'],
    ['period with en dash', '01.02.2026–03.04.2026'],
    ['period, two-digit years', '01.02.26-03.04.26'],
    ['period, dashes throughout', '01-02-2026-03-04-2026'],
    ['period, ISO dates', '2026-02-01-2026-03-04'],
    ['times', 'kl. 10.00-12.00 og 13:30-15:00'],
    ['hour range', 'kl. 10-12'],
    ['amount', '1.234.567,89 kr'],
    ['large amount', '10.012.345,67 kr'],
    ['EAN-13 barcode', '5701234567890'],
    ['11 digits starting with a CPR number', '01020312345'],
    ['11 digits ending with a CPR number', '10102031234'],
    ['CPR-shaped with five last digits', '010203-12345'],
    ['CPR-shaped with nine digits', '010203-123'],
    ['account number', 'reg. 1234 konto 0012345678'],
    ['CVR number', 'CVR 12345678'],
    ['percentages', '10 % 20 % 30 %'],
    ['numbered list', '1. skole\n2. fritid\n3. hjem'],
  ])('%s', (_name, text) => {
    expect(looksLikeCpr(text)).toBe(false);
    expect(findCpr(text)).toBeUndefined();
  });

  test('documented limits: colon and comma are no CPR separators; gaps are at most three characters', () => {
    expect(looksLikeCpr('010203:1234')).toBe(false);
    expect(looksLikeCpr('010203,1234')).toBe(false);
    expect(looksLikeCpr('010203    1234')).toBe(false);
    expect(looksLikeCpr('010203   1234')).toBe(true);
  });

  test('documented false positives: ten digits joined only by separators that start with a date', () => {
    expect(looksLikeCpr('20 12 34 56 30 11 22 33')).toBe(true); // two phone numbers in a row
    expect(looksLikeCpr('sag 2012-012345')).toBe(true);
  });
});

describe('findCpr', () => {
  test('gives the span of the number in the original text', () => {
    const text = 'Barn: 01.02.03-1234 ok';
    expect(findCpr(text)).toEqual({ start: 6, end: 19 });
    expect(text.slice(6, 19)).toBe('01.02.03-1234');
  });

  test('counts UTF-16 code units for characters outside the BMP', () => {
    const text = '😀 𝟎𝟏𝟎𝟐𝟎𝟑-𝟏𝟐𝟑𝟒 😀';
    const found = findCpr(text);
    expect(found).toEqual({ start: 3, end: 24 });
  });

  test('skips invisible characters around the number', () => {
    const text = `x ${ZWSP}010203-1234${ZWSP} y`;
    expect(findCpr(text)).toEqual({ start: 3, end: 14 });
  });

  test('finds the first of several', () => {
    expect(findCpr('a 999999-9999 b 010203-1234 c 040506-7890')).toEqual({ start: 16, end: 27 });
  });
});

describe('speed', () => {
  /** The answer and the fastest of three runs, so a busy machine does not fail the test. */
  const fast = (text: string) => {
    let ms = Infinity;
    let result = false;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      result = looksLikeCpr(text);
      ms = Math.min(ms, performance.now() - t0);
    }
    return { result, ms };
  };

  test('28,000 characters of text, numbers and separators take milliseconds', () => {
    looksLikeCpr('warm up ０١ 010203-1234');
    const prose = 'Mødet d. 01.02.2026 kl. 10.00-12.00, tlf. 20 12 34 56, beløb 1.234,50 kr. Barnet trives. ';
    const texts = [
      prose.repeat(Math.ceil(28_000 / prose.length)).slice(0, 28_000),
      '9 '.repeat(14_000),
      '9'.repeat(28_000),
      '9.-'.repeat(9_333),
      '١٢ ٣٤\u200B'.repeat(4_666),
      '99 99 99 99 99 '.repeat(1_866),
    ];
    for (const text of texts) {
      const { result, ms } = fast(text);
      expect(result).toBe(false);
      expect(ms).toBeLessThan(250);
    }
    expect(fast('9 '.repeat(14_000) + 'x 010203-1234').result).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** Code points of the digit zero in scripts whose digits are contiguous 0..9. */
const ZEROS = [
  0x30, // ASCII
  0xff10, // full-width
  0x660, // Arabic-Indic
  0x6f0, // Eastern Arabic-Indic
  0x966, // Devanagari
  0x9e6, // Bengali
  0xe50, // Thai
  0x1040, // Myanmar
  0x17e0, // Khmer
  0x1d7ce, // mathematical bold
  0x1d7d8, // mathematical double-struck
  0x1d7f6, // mathematical monospace
];
const SUPERSCRIPTS = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

const SEPARATORS = [
  '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63', '\uFF0D', '\uFE58',
  '.', '\uFF0E', '\u00B7', '/', '\uFF0F', '\u2044', '\\', '_',
  ' ', '\u00A0', '\u202F', '\u2009', '\u2002', '\u3000', '\t', '\n', '\r', '\u2028',
];
const INVISIBLES = [
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u200E', '\u200F',
  '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\uFE0F', '\u034F',
];
/** Text around a number: letters, punctuation, spaces, line breaks, emoji; never anything that is a digit. */
const CONTEXT = [
  ...'abcxyzABCæøåÆØÅéüßاשж',
  ' ', ' ', '\n', '\u00A0', '.', ',', ':', ';', '-', '–', '/', '(', ')', '!', '?', '"', "'", '+', '%', '#', '&', '*',
  '😀', '👍🏽', '€', '§',
];

type Tok = { text: string; digit: boolean };
const digitChar = (d: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ZEROS).map((zero) => String.fromCodePoint(zero + d)) },
    { weight: 1, arbitrary: fc.constant(SUPERSCRIPTS[d] ?? String(d)) },
  );
const invisibles = fc.array(fc.constantFrom(...INVISIBLES), { maxLength: 2 }).map((a) => a.join(''));
const context = fc.array(fc.constantFrom(...CONTEXT), { maxLength: 25 }).map((a) => a.join(''));
/** The characters between two digits: at most three separators, with invisible characters anywhere. */
const gap = fc.array(fc.constantFrom(...SEPARATORS), { maxLength: 3 });

/** Writes ten digits with the given gaps; the span of the digits in the result. */
function spell(digits: readonly number[], chars: readonly string[], gaps: readonly string[][], invis: readonly string[]) {
  let text = '';
  let start = 0;
  digits.forEach((_d, k) => {
    if (k > 0) text += (gaps[k - 1] ?? []).map((sep, s) => (invis[(k * 3 + s) % invis.length] ?? '') + sep).join('');
    text += invis[k % invis.length] ?? '';
    if (k === 0) start = text.length;
    text += chars[k] ?? '';
  });
  return { text, start, end: text.length };
}

/** Independent oracle: the CPR century rule and a calendar check with Date. */
function oracleIsCpr(d: readonly number[]): boolean {
  const [d0 = 0, d1 = 0, m0 = 0, m1 = 0, y0 = 0, y1 = 0, s = 0] = d;
  const day = d0 * 10 + d1;
  const month = m0 * 10 + m1;
  const yy = y0 * 10 + y1;
  const year = yy + (s <= 3 ? 1900 : s === 4 || s === 9 ? (yy <= 36 ? 2000 : 1900) : yy <= 57 ? 2000 : 1800);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}

const SPACE_CHARS = /^[\s\u2028]$/u;
const isDash = (c: string) => /^[\p{Pd}\u2212\uFE63\uFF0D]$/u.test(c);
const gapLevel = (g: readonly string[]) =>
  Math.max(0, ...g.map((c) => (SPACE_CHARS.test(c) ? 3 : isDash(c) ? 2 : 1)));

/**
 * Whether a spelling holds a whole date with a four-digit year ("01.02.1995 12"), which the detector
 * deliberately reads as a date and a number. Groups are the digits between non-empty gaps.
 */
function holdsFullDate(digits: readonly number[], gaps: readonly string[][]): boolean {
  const groups: { n: number[]; before: readonly string[] }[] = [{ n: [digits[0] ?? 0], before: [] }];
  for (let k = 1; k < digits.length; k++) {
    const g = gaps[k - 1] ?? [];
    if (g.length > 0) groups.push({ n: [], before: g });
    groups[groups.length - 1]?.n.push(digits[k] ?? 0);
  }
  const num = (n: number[]) => Number(n.join(''));
  const isDate = groups.map((a, k) => {
    const [b, c] = [groups[k + 1], groups[k + 2]];
    if (!b || !c) return false;
    const level = gapLevel(b.before);
    if (level === 3 || b.before.length !== 1 || c.before.length !== 1 || gapLevel(c.before) !== level) return false;
    let dmy: [number, number, number] | undefined;
    if (a.n.length <= 2 && b.n.length <= 2 && c.n.length === 4) dmy = [num(a.n), num(b.n), num(c.n)];
    if (a.n.length === 4 && b.n.length === 2 && c.n.length === 2) dmy = [num(c.n), num(b.n), num(a.n)];
    if (!dmy) return false;
    const [day, month, year] = dmy;
    const date = new Date(Date.UTC(year, month - 1, day));
    return year >= 1900 && year <= 2099 && date.getUTCDate() === day && date.getUTCMonth() === month - 1;
  });
  return isDate.some((date, k) => {
    if (!date) return false;
    const level = gapLevel(groups[k + 1]?.before ?? []);
    const [a, after] = [groups[k], groups[k + 3]];
    if (k > 0 && a && gapLevel(a.before) <= level && !isDate[k - 3]) return false;
    if (after && gapLevel(after.before) <= level && !isDate[k + 3]) return false;
    return true;
  });
}

/** A valid CPR number: a real birth date under the century rule and any four last digits. */
const validCpr = fc
  .record({
    yy: fc.integer({ min: 0, max: 99 }),
    seventh: fc.integer({ min: 0, max: 9 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    rest: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ yy, seventh, month, day, rest }) => {
    const year = yy + (seventh <= 3 ? 1900 : seventh === 4 || seventh === 9 ? (yy <= 36 ? 2000 : 1900) : yy <= 57 ? 2000 : 1800);
    const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const dd = ((day - 1) % dim) + 1;
    return [Math.floor(dd / 10), dd % 10, Math.floor(month / 10), month % 10, Math.floor(yy / 10), yy % 10, seventh, ...rest];
  });

/** Ten digits near and around the edge of validity: mostly days 28-31 or 00/32+, months 00-13. */
const edgyDigits = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }),
  fc
    .record({
      day: fc.integer({ min: 0, max: 39 }),
      month: fc.integer({ min: 0, max: 13 }),
      yy: fc.constantFrom(0, 1, 4, 36, 37, 56, 57, 58, 60, 96, 99),
      rest: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 }),
    })
    .map(({ day, month, yy, rest }) => [
      Math.floor(day / 10), day % 10, Math.floor(month / 10), month % 10, Math.floor(yy / 10), yy % 10, ...rest,
    ]),
);

/** Ten digits written in random scripts, with random gaps and invisible characters. */
const spelled = (digitsArb: fc.Arbitrary<number[]>) =>
  digitsArb.chain((digits) =>
    fc.record({
      digits: fc.constant(digits),
      chars: fc.tuple(...digits.map(digitChar)),
      gaps: fc.array(gap, { minLength: 9, maxLength: 9 }),
      invis: fc.array(invisibles, { minLength: 1, maxLength: 12 }),
      before: context,
      after: context,
    }),
  );

const RUNS = { numRuns: 500 };

describe('properties', () => {
  test('a valid CPR number is found however it is spelled, with any text around it', () => {
    fc.assert(
      fc.property(spelled(validCpr), ({ digits, chars, gaps, invis, before, after }) => {
        fc.pre(!holdsFullDate(digits, gaps));
        const cpr = spell(digits, chars, gaps, invis);
        const text = before + cpr.text + after;
        expect(findCpr(text)).toEqual({ start: before.length + cpr.start, end: before.length + cpr.end });
        expect(looksLikeCpr(text)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test('found or not exactly as the date rule says, for any ten digits spelled any way', () => {
    fc.assert(
      fc.property(spelled(edgyDigits), ({ digits, chars, gaps, invis, before, after }) => {
        fc.pre(!holdsFullDate(digits, gaps));
        const text = before + spell(digits, chars, gaps, invis).text + after;
        expect(looksLikeCpr(text)).toBe(oracleIsCpr(digits));
      }),
      { numRuns: 1000 },
    );
  });

  test('a valid CPR number is still found next to other numbers set apart by a space or line break', () => {
    const number = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        spelled(validCpr),
        fc.option(number, { nil: undefined }),
        fc.option(number, { nil: undefined }),
        fc.constantFrom(' ', '\n', ' \n', '. ', ' - '),
        ({ digits, chars, gaps, invis }, left, right, space) => {
          fc.pre(!holdsFullDate(digits, gaps));
          const text = (left !== undefined ? left + space : '') + spell(digits, chars, gaps, invis).text + (right !== undefined ? space + right : '');
          expect(looksLikeCpr(text)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  test('text with at most nine digits is never refused', () => {
    const tok: fc.Arbitrary<Tok> = fc.oneof(
      fc.integer({ min: 0, max: 9 }).chain(digitChar).map((text) => ({ text, digit: true })),
      fc.constantFrom(...SEPARATORS).map((text) => ({ text, digit: false })),
      fc.constantFrom(...INVISIBLES).map((text) => ({ text, digit: false })),
      fc.constantFrom(...CONTEXT).map((text) => ({ text, digit: false })),
    );
    fc.assert(
      fc.property(fc.array(tok, { maxLength: 60 }), (toks) => {
        let digits = 0;
        const text = toks.filter((t) => !t.digit || ++digits <= 9).map((t) => t.text).join('');
        expect(looksLikeCpr(text)).toBe(false);
      }),
      RUNS,
    );
  });

  test('a number of eleven or more digits written together is never refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 30 }).chain((ds) => fc.tuple(...ds.map(digitChar))),
        invisibles,
        context,
        context,
        (chars, inv, before, after) => {
          expect(looksLikeCpr(before + chars.join(inv) + after)).toBe(false);
        },
      ),
      RUNS,
    );
  });

  test('dates with four-digit years, times and periods are never refused', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const date = fc
      .record({
        year: fc.integer({ min: 1900, max: 2099 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        padded: fc.boolean(),
        sep: fc.constantFrom('.', '/', '-'),
        iso: fc.boolean(),
      })
      .map(({ year, month, day, padded, sep, iso }) =>
        iso
          ? `${year}-${pad(month, 2)}-${pad(day, 2)}`
          : [padded ? pad(day, 2) : String(day), padded ? pad(month, 2) : String(month), String(year)].join(sep),
      );
    const hh = fc.integer({ min: 0, max: 23 }).map((h) => pad(h, 2));
    const mm = fc.integer({ min: 0, max: 59 }).map((m) => pad(m, 2));
    const time = fc.oneof(
      fc.tuple(hh, mm, fc.constantFrom('.', ':')).map(([h, m, s]) => `${h}${s}${m}`),
      fc.tuple(hh, hh).map(([a, b]) => `${a}-${b}`),
      fc.tuple(hh, mm, hh, mm, fc.constantFrom('.', ':')).map(([a, b, c, d, s]) => `${a}${s}${b}-${c}${s}${d}`),
      hh,
      fc.integer({ min: 1, max: 999 }).map(String),
    );
    const text = fc.oneof(
      fc.tuple(date, fc.constantFrom(' ', ' kl. ', ', ', '\n'), time).map(([d, s, t]) => d + s + t),
      fc.tuple(date, fc.constantFrom('-', ' - ', '–', ' – ', ' til '), date).map(([a, s, b]) => a + s + b),
      fc.tuple(date, fc.constantFrom(' ', '\n', ' - '), date, fc.constantFrom(' ', '\n', ' - '), date).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, context, context, (t, before, after) => {
        expect(looksLikeCpr(before + t + after)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  test('looksLikeCpr agrees with findCpr, and findCpr points at digits', () => {
    const anyText = fc
      .array(fc.oneof(fc.constantFrom(...SEPARATORS, ...INVISIBLES, ...CONTEXT), fc.integer({ min: 0, max: 9 }).chain(digitChar)), { maxLength: 80 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(anyText, (text) => {
        const found = findCpr(text);
        expect(looksLikeCpr(text)).toBe(found !== undefined);
        if (found) {
          expect(/^\p{Nd}|^\p{No}/u.test(text.slice(found.start))).toBe(true);
          expect(/(\p{Nd}|\p{No})$/u.test(text.slice(0, found.end))).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

describe('maskCpr: names from Teams keep their text, never the number', () => {
  test('every CPR number in a name is masked, the rest is kept', () => {
    expect(maskCpr('Anna 010203-1234 Jensen')).toBe('Anna ••••••-•••• Jensen');
    expect(maskCpr('０１０２０３－１２３４ og 311299 1234')).toBe('••••••-•••• og ••••••-••••');
    expect(maskCpr('Mette Sørensen')).toBe('Mette Sørensen');
  });

  test('for any generated spelling, the masked text no longer looks like a CPR number', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 9999 }), fc.constantFrom('-', ' ', '.', '/', '', '\u2010', '\u00a0'), (prefix, d, m, y, tail, sep) => {
        const cpr = `${String(d).padStart(2, '0')}${String(m).padStart(2, '0')}${String(y).padStart(2, '0')}${sep}${String(tail).padStart(4, '0')}`;
        expect(looksLikeCpr(maskCpr(`${prefix.replace(/\d/g, 'x')} ${cpr} navn`))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
