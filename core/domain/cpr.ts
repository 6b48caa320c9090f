/**
 * CPR-number detector.
 *
 * A CPR number is DDMMYY-XXXX. We never store one (GDPR special-category data about children), so
 * `cleanText` refuses any free text that looks like one. People write them in many ways, so the
 * detector works on the digits, not on one spelling:
 *
 * 1. Normalise, one code point at a time (so offsets map back to the original text):
 *    - NFKC: full-width digits and dashes, superscript and circled digits, mathematical digits,
 *      no-break and other compatibility spaces become their plain forms;
 *    - invisible characters are dropped: format characters (zero-width space/joiners, word joiner,
 *      BOM, soft hyphen, bidi marks and embeddings/isolates), other default-ignorable code points
 *      (variation selectors, Hangul fillers, ...), combining marks (e.g. the keycap mark) and
 *      control characters that are not whitespace;
 *    - every Unicode decimal digit (\p{Nd}: Arabic-Indic, Devanagari, Thai, ...) becomes 0-9 by its
 *      numeric value.
 * 2. Split the text into digit *groups* (digits written directly next to each other) and *chains*
 *    of groups joined by gaps of 1-3 separator characters. Separators are whitespace (including
 *    line breaks), dashes (any \p{Pd}, minus signs), and joiners (. / \ _ and their look-alikes).
 *    Anything else (letters, other punctuation, +, parentheses, ...) ends a chain.
 *    Digits glued by a comma or colon ("1.234,50", "10:00") form a decimal number or a time: such
 *    a group is never part of a CPR number and ends the chain on both sides.
 * 3. Look for 10 digits in a chain that start and end at a group boundary: digits written together
 *    are never split, so an 11-digit account number or a 13-digit EAN barcode is never read as a
 *    CPR number, while "1. 010203-1234" or "010203-1234 12 år" still are.
 *    A run of groups may only be cut out of a longer chain at a gap that binds at least as loosely
 *    as every gap inside it (joiner < dash < whitespace). So "010203-1234 12" is cut at the space,
 *    but "01.02.2026 10.00" (a date and a time) is not read as 010220-2610, because that would cut
 *    the time "10.00" at a dot while keeping a space inside, and "01.02.2026-03.04.2026" (a period)
 *    is not read as 010220-2603 because that would cut the second date at a dot while keeping the dash.
 *    A run that holds a whole date with a four-digit year ("01.02.2026", "2026-02-01": three groups
 *    joined by the same single dot, slash or dash, with looser gaps or other such dates around it)
 *    is not a CPR number either, since a CPR number has a two-digit year: "pr. 01.03.2026 12 mdr."
 *    and "01-02-2026-03-04-2026" pass.
 * 4. The first six digits must be a real date DDMMYY. The century comes from the 7th digit and YY,
 *    as in the CPR scheme (0-3: 1900s; 4 and 9: 2000s if YY <= 36, else 1900s; 5-8: 2000s if
 *    YY <= 57, else 1800s), and 29 February is accepted only in a leap year. The modulus-11 check
 *    is not used: it was dropped in 2007 and valid numbers without it exist.
 *
 * Known limits: a comma or colon is not a CPR separator ("010203:1234" passes), nor is a gap of
 * more than three separator characters, and a CPR number spelled so that it holds a four-digit-year
 * date ("01.02.1995 12" for 010219-9512) passes. The other way round, ten digits joined only by
 * separators whose first six form a date are refused even when they are something else: two phone
 * numbers in a row "20 12 34 56 30 11 22 33", a case number "2012-012345", ten single-digit scores.
 *
 * Runs in linear time: one pass to normalise, one over the groups, at most 10 groups per window.
 */

export interface CprMatch {
  /** UTF-16 offset of the first digit in the original text. */
  start: number;
  /** UTF-16 offset just after the last digit in the original text. */
  end: number;
}

/** Most separator characters allowed between two digits of one number. */
export const MAX_SEPARATOR_RUN = 3;

// Character classes after normalisation. 0-9 are digit values.
const JOINER = 11; // . / \ _ and look-alikes: bind tightest
const DASH = 12; // any dash or minus sign
const SPACE = 13; // any whitespace, including line breaks: binds loosest
const GLUE = 20; // , and : between digits: decimal numbers and times
const OTHER = 30;
const STRIP = 40;

const STRIPPED = /^[\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}]$/u;
const CONTROL = /^\p{Cc}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const WHITESPACE = /^[\s\u0085\u2800]$/u;
const DASHES = /^[\p{Pd}\u2212\u2796\u02D7\u2043\u23AF\u2500\u2501\uFE63\uFF0D]$/u;
const JOINERS = /^[./\\_\u00B7\u2027\u2219\u22C5\u30FB\u3002\u2044\u2215\u29F8\u29F9\u066C]$/u;
const GLUES = /^[,:\u2236\u066B]$/u;

/** Value 0-9 of a Unicode decimal digit. Decimal digits come in contiguous, ascending runs 0..9. */
const digitValues = new Map<number, number>();
function digitValue(cp: number): number {
  let value = digitValues.get(cp);
  if (value === undefined) {
    let zero = cp;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
    value = (cp - zero) % 10;
    digitValues.set(cp, value);
  }
  return value;
}

function classifyNormalized(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (STRIPPED.test(ch)) return STRIP; // before whitespace: U+FEFF counts as whitespace in JS
  if (WHITESPACE.test(ch)) return SPACE;
  if (CONTROL.test(ch)) return STRIP;
  if (DECIMAL_DIGIT.test(ch)) return digitValue(cp);
  if (DASHES.test(ch)) return DASH;
  if (JOINERS.test(ch)) return JOINER;
  if (GLUES.test(ch)) return GLUE;
  return OTHER;
}

function classifyAscii(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  switch (code) {
    case 0x20: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
      return SPACE;
    case 0x2d:
      return DASH;
    case 0x2e: case 0x2f: case 0x5c: case 0x5f:
      return JOINER;
    case 0x2c: case 0x3a:
      return GLUE;
  }
  return code < 0x20 || code === 0x7f ? STRIP : OTHER;
}

/** Classes of the NFKC form of one non-ASCII code point (which may be several characters). */
const nonAsciiClasses = new Map<number, readonly number[]>();
const CLASS_CACHE_LIMIT = 4096;
function classifyNonAscii(cp: number): readonly number[] {
  const cached = nonAsciiClasses.get(cp);
  if (cached) return cached;
  const classes: number[] = [];
  for (const ch of String.fromCodePoint(cp).normalize('NFKC')) {
    const c = classifyNormalized(ch.codePointAt(0) ?? 0);
    if (c !== STRIP) classes.push(c);
  }
  if (nonAsciiClasses.size >= CLASS_CACHE_LIMIT) nonAsciiClasses.clear();
  nonAsciiClasses.set(cp, classes);
  return classes;
}

interface Normalized {
  /** Class of each kept character (0-9 for digits). */
  classes: number[];
  /** Original UTF-16 span of each kept character. */
  starts: number[];
  ends: number[];
}

function normalize(text: string): Normalized {
  const classes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (cp < 0x80) {
      const c = classifyAscii(cp);
      if (c !== STRIP) {
        classes.push(c);
        starts.push(i);
        ends.push(next);
      }
    } else {
      for (const c of classifyNonAscii(cp)) {
        classes.push(c);
        starts.push(i);
        ends.push(next);
      }
    }
    i = next;
  }
  return { classes, starts, ends };
}

const isDigit = (c: number | undefined): c is number => c !== undefined && c <= 9;
const isSeparator = (c: number | undefined): boolean => c === JOINER || c === DASH || c === SPACE;

/**
 * The groups of one chain, in flat arrays that are reused from chain to chain: long inputs make
 * no garbage per digit or group. The digits of consecutive groups are consecutive in `digits`.
 */
class Chain {
  readonly digits: number[] = [];
  /** Per group: index of its first digit in `digits`, its number of digits, its original span. */
  readonly from: number[] = [];
  readonly len: number[] = [];
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** Per group: how loosely the gap before it binds (JOINER/DASH/SPACE; 0 for the first group). */
  readonly gap: number[] = [];
  /** Per group: whether that gap is a single character. */
  readonly single: boolean[] = [];

  get size(): number {
    return this.from.length;
  }

  clear(): void {
    for (const a of [this.digits, this.from, this.len, this.start, this.end, this.gap, this.single]) a.length = 0;
  }

  /** The value of group k's digits. */
  value(k: number): number {
    let n = 0;
    const from = this.from[k] ?? 0;
    for (let d = from; d < from + (this.len[k] ?? 0); d++) n = n * 10 + (this.digits[d] ?? 0);
    return n;
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Whether the ten digits from `at` start with a real birth date DDMMYY, the century taken from the
 * 7th digit and YY as in the CPR scheme.
 */
export function isCprDate(d: readonly number[], at = 0): boolean {
  if (d.length < at + 10) return false;
  const digit = (k: number) => d[at + k] ?? 0;
  const day = digit(0) * 10 + digit(1);
  const month = digit(2) * 10 + digit(3);
  const yy = digit(4) * 10 + digit(5);
  const seventh = digit(6);
  if (month < 1 || month > 12 || day < 1) return false;
  let century: number;
  if (seventh <= 3) century = 1900;
  else if (seventh === 4 || seventh === 9) century = yy <= 36 ? 2000 : 1900;
  else century = yy <= 57 ? 2000 : 1800;
  return day <= daysInMonth(century + yy, month);
}

/** Groups k..k+2 read as D.M.YYYY (day and month of 1-2 digits) or YYYY.MM.DD: a real date in 1900-2099. */
function isFullDate(chain: Chain, k: number): boolean {
  const [a, b, c] = [chain.len[k], chain.len[k + 1], chain.len[k + 2]];
  let day: number, month: number, year: number;
  if (a !== undefined && a <= 2 && b !== undefined && b <= 2 && c === 4) {
    [day, month, year] = [chain.value(k), chain.value(k + 1), chain.value(k + 2)];
  } else if (a === 4 && b === 2 && c === 2) {
    [year, month, day] = [chain.value(k), chain.value(k + 1), chain.value(k + 2)];
  } else {
    return false;
  }
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Groups that form a date with a four-digit year, such as "01.02.2026" or "2026-02-01": three groups
 * joined by the same single joiner or dash, and on each side either a looser gap, nothing, or
 * another such date ("01-02-2026-03-04-2026"). A CPR number has a two-digit year, so a run holding
 * such a date ("01.02.2026 10", read as 010220-2610) is a date and a number, not a CPR number.
 * With the same separator on a side and no date there ("01.02.03.1995") it is no date.
 */
function fullDateGroups(chain: Chain): boolean[] {
  const { gap, single, size } = chain;
  const isDate: boolean[] = [];
  for (let k = 0; k < size; k++) {
    const joint = gap[k + 1];
    isDate.push(
      k + 2 < size && joint !== SPACE && single[k + 1] === true && single[k + 2] === true && gap[k + 2] === joint && isFullDate(chain, k),
    );
  }
  const inDate = isDate.map(() => false);
  isDate.forEach((date, k) => {
    if (!date) return;
    const joint = gap[k + 1] ?? 0;
    if (k > 0 && (gap[k] ?? 0) <= joint && !isDate[k - 3]) return;
    if (k + 3 < size && (gap[k + 3] ?? 0) <= joint && !isDate[k + 3]) return;
    inDate[k] = inDate[k + 1] = inDate[k + 2] = true;
  });
  return inDate;
}

/** The first ten-digit run of groups in the chain that may be cut out and starts with a date. */
function searchChain(chain: Chain): CprMatch | undefined {
  const { len, gap, size } = chain;
  let inDate: boolean[] | undefined;
  for (let i = 0; i < size; i++) {
    let count = len[i] ?? 0;
    if (count > 10) continue;
    let inner = 0; // loosest gap inside the window
    let j = i;
    while (count < 10 && j + 1 < size && count + (len[j + 1] ?? 0) <= 10) {
      j++;
      inner = Math.max(inner, gap[j] ?? 0);
      count += len[j] ?? 0;
    }
    if (count !== 10) continue;
    if (i > 0 && (gap[i] ?? 0) < inner) continue;
    if (j + 1 < size && (gap[j + 1] ?? 0) < inner) continue;
    if (!isCprDate(chain.digits, chain.from[i] ?? 0)) continue;
    inDate ??= fullDateGroups(chain);
    if (inDate.slice(i, j + 1).includes(true)) continue;
    return { start: chain.start[i] ?? 0, end: chain.end[j] ?? 0 };
  }
  return undefined;
}

/** Where the first thing that looks like a CPR number is, in UTF-16 offsets of `text`. */
export function findCpr(text: string): CprMatch | undefined {
  const { classes, starts, ends } = normalize(text);
  const n = classes.length;
  const chain = new Chain();
  let gap = 0;
  let single = false;
  let i = 0;
  while (i < n) {
    if (!isDigit(classes[i])) {
      i++;
      continue;
    }
    // One group: digits written together, possibly glued by , or : into a number that is no CPR.
    const from = chain.digits.length;
    const first = i;
    let last = i;
    let glued = false;
    for (;;) {
      for (let c = classes[i]; i < n && isDigit(c); c = classes[++i]) {
        chain.digits.push(c);
        last = i;
      }
      if (i + 1 < n && classes[i] === GLUE && isDigit(classes[i + 1])) {
        glued = true;
        i++;
        continue;
      }
      break;
    }
    if (glued) {
      chain.digits.length = from;
      const found = searchChain(chain);
      if (found) return found;
      chain.clear();
      continue;
    }
    const joined = chain.size > 0;
    chain.from.push(from);
    chain.len.push(chain.digits.length - from);
    chain.start.push(starts[first] ?? 0);
    chain.end.push(ends[last] ?? 0);
    chain.gap.push(joined ? gap : 0);
    chain.single.push(joined && single);
    // The gap after it: a short run of separators followed by a digit keeps the chain going.
    let j = i;
    let loosest = 0;
    while (j < n && j - i <= MAX_SEPARATOR_RUN && isSeparator(classes[j])) {
      loosest = Math.max(loosest, classes[j] ?? 0);
      j++;
    }
    const run = j - i;
    if (run >= 1 && run <= MAX_SEPARATOR_RUN && isDigit(classes[j])) {
      gap = loosest;
      single = run === 1;
    } else {
      const found = searchChain(chain);
      if (found) return found;
      chain.clear();
    }
    i = j;
  }
  return searchChain(chain);
}

/** Whether `text` holds something that looks like a CPR number, however it is spelled. */
export function looksLikeCpr(text: string): boolean {
  return findCpr(text) !== undefined;
}

const MASK = '••••••-••••';

/**
 * Text we take from Teams rather than from a person's typing (display names, team and conversation
 * names) cannot be refused, but a CPR number in it is never stored or echoed: each one is replaced
 * by a visible mask. Returns the text unchanged when it holds none.
 */
export function maskCpr(text: string): string {
  let rest = text;
  let out = '';
  for (let guard = 0; guard < 1000; guard++) {
    const match = findCpr(rest);
    if (!match) return out + rest;
    out += rest.slice(0, match.start) + MASK;
    rest = rest.slice(match.end);
  }
  return out + rest;
}
