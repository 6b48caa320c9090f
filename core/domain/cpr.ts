/**
 * A CPR number is DDMMYY-XXXX. We refuse anything that looks like one, with or without the
 * dash, so that no personal identity number is ever stored (GDPR special-category data).
 */
const CPR_PATTERN = /(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)/;

export function looksLikeCpr(text: string): boolean {
  return CPR_PATTERN.test(text);
}
