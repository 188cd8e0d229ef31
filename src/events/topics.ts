/** `DOCUMENT_UPLOADED` with prefix `popp.` → `popp.document.uploaded` (docs/kafka-contract.md, Topics). */
export function topicForEventType(prefix: string, eventType: string): string {
  return prefix + eventType.toLowerCase().replaceAll('_', '.');
}
