/**
 * Row (c), the naive design: verify the signature, then `await` one kafkajs
 * send per request (acks=all), writing the same two records the bridge writes.
 */
import Fastify from 'fastify';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { topicForEventType } from '../../src/contract/topics.js';
import { createSignatureVerifier } from '../../src/webhook/verify.js';

const [portArg, brokers, prefix, secret] = process.argv.slice(2);
const verify = createSignatureVerifier([secret as string]);
const kafka = new Kafka({ clientId: 'bench-naive', brokers: (brokers as string).split(','), logLevel: logLevel.ERROR });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
await producer.connect();

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/popp', async (request, reply) => {
  const body = request.body as Buffer;
  if (!verify(body, request.headers['x-signature'] as string | undefined)) return reply.code(401).send({ error: 'invalid_signature' });
  const event = JSON.parse(body.toString('utf8')) as { event: string; eventId: string; data: { recordId: string } };
  const message = { key: event.data.recordId, value: body, headers: { 'event-id': event.eventId, 'event-type': event.event } };
  await producer.sendBatch({
    acks: -1,
    topicMessages: [
      { topic: topicForEventType(prefix as string, event.event), messages: [message] },
      { topic: `${prefix}events`, messages: [message] },
    ],
  });
  return { status: 'published', eventId: event.eventId };
});
await app.listen({ port: Number(portArg), host: '127.0.0.1' });
console.log(`listening ${portArg}`);
