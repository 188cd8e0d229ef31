/** Row (a), the ceiling: a bare Fastify route that reads the body, parses it and answers 200. */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 3101);
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/popp', async (request) => {
  const event = JSON.parse((request.body as Buffer).toString('utf8')) as { eventId: string };
  return { status: 'ok', eventId: event.eventId };
});
await app.listen({ port, host: '127.0.0.1' });
console.log(`listening ${port}`);
