import kafkajs, { type ICustomPartitioner, type Message, type Producer, type RecordMetadata, type TopicMessages } from 'kafkajs';

// kafkajs spreads its errors into its exports, which Node's named-export detection cannot see.
const { KafkaJSError } = kafkajs;

/**
 * kafkajs 2.2.4 keeps one answer per broker across the retries of one send.
 * When a partition's leader moves (a broker killed or frozen) to a broker that
 * already answered for other partitions of the same send, the retry skips that
 * partition, and the send resolves as if every record had been written: on a
 * three-broker cluster the log-topic record of an event was lost while its
 * type-topic record and the 200 went out (docs/guides/replicated-kafka.md).
 *
 * A send is complete only when each partition its records went to has an
 * answer of its own. The records of a partition without one are sent again in
 * a new send (which keeps no stale answers), at most twice; after that the
 * send fails as retriable, so the bridge answers 503 and Popp retries.
 */
export function completeSends(producer: Producer, partitionOf: (message: Message) => number | undefined): Producer {
  const sendBatch = producer.sendBatch.bind(producer);
  producer.sendBatch = async (batch) => {
    const answers = await sendBatch(batch);
    if (batch.acks === 0) return answers;
    let rest = unanswered(batch.topicMessages ?? [], answers, partitionOf);
    for (let attempt = 0; rest.length > 0 && attempt < 2; attempt++) {
      const more = await sendBatch({ ...batch, topicMessages: rest });
      answers.push(...more);
      rest = unanswered(rest, more, partitionOf);
    }
    if (rest.length > 0) {
      const partitions = rest.map(({ topic, messages }) => `${topic} (${messages.length} records)`).join(', ');
      throw new KafkaJSError(`Kafka answered for only some partitions of a send; unanswered: ${partitions}`, { retriable: true });
    }
    return answers;
  };
  // kafkajs' own `send` calls its internal sendBatch, not this one.
  producer.send = ({ topic, messages, ...settings }) => producer.sendBatch({ ...settings, topicMessages: [{ topic, messages }] });
  return producer;
}

/** Wraps a partitioner so that the partition it chose for each message (the last time) can be asked for. */
export function rememberingPartitioner(create: ICustomPartitioner): {
  createPartitioner: ICustomPartitioner;
  partitionOf: (message: Message) => number | undefined;
} {
  const chosen = new WeakMap<Message, number>();
  return {
    createPartitioner: (...args) => {
      const choose = create(...args);
      return (partitionerArgs) => {
        const partition = choose(partitionerArgs);
        chosen.set(partitionerArgs.message, partition);
        return partition;
      };
    },
    partitionOf: (message) => chosen.get(message),
  };
}

/** The messages whose partition got no answer (a message whose partition is unknown counts as unanswered). */
export function unanswered(
  topicMessages: readonly TopicMessages[],
  answers: readonly RecordMetadata[],
  partitionOf: (message: Message) => number | undefined,
): TopicMessages[] {
  const answered = new Set(answers.map((answer) => `${answer.topicName}\u0000${answer.partition}`));
  return topicMessages.flatMap(({ topic, messages }) => {
    const left = messages.filter((message) => !answered.has(`${topic}\u0000${partitionOf(message)}`));
    return left.length > 0 ? [{ topic, messages: left }] : [];
  });
}
