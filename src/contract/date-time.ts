/**
 * RFC 3339 `date-time` with a time zone, decided exactly as ajv-formats'
 * full `date-time` format decides it (property tests hold them side by side),
 * but by reading character codes instead of a split and two regular
 * expressions with nine capture groups: every event is checked against two
 * schemas that both hold the format, in the bridge and again in each consumer.
 */
export function isDateTime(s: string): boolean {
  const length = s.length;
  if (length < 20) return false; // 2024-01-15T10:30:00Z
  const century = two(s, 0);
  const yy = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hr = two(s, 11);
  const min = two(s, 14);
  let sec = two(s, 17);
  if (century < 0 || yy < 0 || month < 0 || day < 0 || hr < 0 || min < 0 || sec < 0) return false;
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':' || !separator(s.charCodeAt(10))) return false;
  let i = 19;
  if (s[i] === '.') {
    const start = ++i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === start) return false;
    sec = +s.slice(17, i); // as a number, like ajv-formats: 59.99999999999999999 is 60
  }
  let tzSign = 1;
  let tzH = 0;
  let tzM = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90 || zone === 122) {
    if (i + 1 !== length) return false; // Z, z
  } else if (zone === 43 || zone === 45) {
    tzSign = zone === 45 ? -1 : 1; // +, -
    tzH = two(s, i + 1);
    let j = i + 3;
    if (j < length) {
      if (s[j] === ':') j++;
      tzM = two(s, j);
      if (j + 2 !== length) return false;
    }
    if (tzH < 0 || tzM < 0) return false;
  } else return false;

  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : (DAYS[month] as number))) return false;
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // A leap second: 23:59:60 in UTC.
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const WHITESPACE = /\s/;

const isDigit = (code: number) => code >= 48 && code <= 57;

/** The two ASCII digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + (b - 48) : -1;
}

/** `T`, `t` or any white space, as ajv-formats splits on `/t|\s/i`. */
function separator(code: number): boolean {
  return code === 84 || code === 116 || WHITESPACE.test(String.fromCharCode(code));
}

const DATE_TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2}).(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * The instant (ms since the epoch) of a date-time that isDateTime accepts,
 * NaN for anything else. Date.parse refuses some of what RFC 3339 allows
 * (a leap second, `+05` without minutes): here a leap second is the second after.
 */
export function dateTimeMs(s: string): number {
  const m = DATE_TIME_PARTS.exec(s);
  if (!m) return Number.NaN;
  const [, year, month, day, hour, minute, second, fraction, sign, zoneHours, zoneMinutes] = m;
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes ?? 0)) : 0;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute) - offsetMinutes, Number(second));
  // Milliseconds: the first three digits of the fraction, read as digits (no floating-point rounding).
  return utc + (fraction ? Number(`${fraction.slice(1)}00`.slice(0, 3)) : 0);
}
