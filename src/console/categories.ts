/** Popp's five documented categories of webhook events. */
export const CATEGORIES = ['conversation', 'analysis', 'scheduling', 'workflow', 'document'] as const;

/**
 * The category of a known event type, by its name's first word; an unknown
 * type has none. (The catalogue's own categories replace this table once
 * every documented type has a schema.)
 */
export function categoryOf(eventType: string): string | undefined {
  const first = eventType.split('_')[0] ?? '';
  return FIRST_WORD[first];
}

const FIRST_WORD: Record<string, string> = {
  CONVERSATION: 'conversation',
  DOCUMENT: 'document',
};
