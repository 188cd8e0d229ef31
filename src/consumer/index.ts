/**
 * The consumer SDK: typed, independent consumer groups on the bridge's
 * topics. See docs/guides/consuming-events.md.
 */
export type { EventCategory, EventDataMap, EventOf, EventType, EventTypeIn, PoppEvent } from '../../generated/events.js';
export { EVENT_CATEGORIES, EVENT_TYPES } from '../../generated/events.js';
export type { ConsumerDeadLetterReason } from '../contract/reasons.js';
export { deadLetterTopicFor } from '../contract/topics.js';
export { unwrapValue } from '../contract/value.js';
export type { KafkaConnection } from './connection.js';
export { type Consumer, createConsumer } from './consumer.js';
export { createGroupAdmin, type GroupAdmin } from './groups.js';
export { createMemoryIdempotencyStore } from './memory-store.js';
export { type ConsumerOptions, type ConsumerTopics, connectionFromConfig } from './options.js';
export { formatRebuildProgress, type RebuildProgress } from './progress.js';
export { type RebuildOptions, type RebuildResult, rebuild } from './rebuild.js';
export {
  type AnyConsumedEvent,
  type CategoryHandler,
  type ConsumedEvent,
  type ConsumedEventIn,
  type ConsumerLog,
  type ConsumerStats,
  defineHandlers,
  type Handler,
  type HandlerContext,
  type Handlers,
  type IdempotencyStore,
  type RetryPolicy,
} from './types.js';
