/** Longest id (eventId, recordId, organizationId) the envelope accepts, in characters (schemas/envelope.json). */
export const MAX_ID_LENGTH = 256;

/**
 * The envelope schema's rule for text that becomes a Kafka header or key:
 * 1 to `maxLength` characters, none of them a control character (C0, DEL,
 * C1) and no lone surrogate, which has no UTF-8 form (it would be written as
 * U+FFFD and no longer equal the value's own text). Checked by code unit, so
 * no regular expression is compiled on the hot path.
 */
export function isHeaderSafe(value: string, maxLength = MAX_ID_LENGTH): boolean {
  let characters = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (isControl(unit)) return false;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
    if (++characters > maxLength) return false;
  }
  return characters > 0;
}

/** `value` with control characters and lone surrogates as `?`: for text built from the body's property names. */
export function printable(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += value.slice(i, i + 2);
      i++;
    } else out += isControl(unit) || (unit >= 0xd800 && unit <= 0xdfff) ? '?' : value.charAt(i);
  }
  return out;
}

function isControl(unit: number): boolean {
  return unit < 0x20 || (unit >= 0x7f && unit <= 0x9f);
}
