/** `DOCUMENT_UPLOADED` with prefix `popp.` → `popp.document.uploaded` (DESIGN section 4). */
export function topicForEventType(prefix: string, eventType: string): string {
  return prefix + eventType.toLowerCase().replaceAll('_', '.');
}
