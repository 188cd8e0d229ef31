// A downstream service as its own repository writes it, copied into a scratch project that installed the packed
// package: the SDK and the event types by the package's names, its own Kafka settings, nothing of the bridge's.
import { createConsumer, defineHandlers } from 'popp-bridge/consumer';
import { EVENT_CATEGORIES, type EventOf } from 'popp-bridge/events';

const print = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

function describeUpload(event: EventOf<'DOCUMENT_UPLOADED'>): string {
  return `${event.data.recordId}/${event.data.attachmentId} ${event.data.fileName} (${event.data.contentType})`;
}

const handlers = defineHandlers({
  DOCUMENT_UPLOADED: ({ event, eventId }) => print({ consumed: eventId, type: event.event, upload: describeUpload(event) }),
  conversation: (event) => print({ consumed: event.eventId, type: event.type, category: EVENT_CATEGORIES[event.type] }),
});

const consumer = createConsumer({
  kafka: { brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',') },
  topics: { prefix: process.env.TOPIC_PREFIX ?? 'popp.' },
  groupId: process.env.GROUP ?? 'downstream-service',
  handlers,
  signals: [],
});
await consumer.start();
await consumer.caughtUp({ timeoutMs: 30_000 });
await consumer.stop();
print({ stats: consumer.stats() });
