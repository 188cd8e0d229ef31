// A downstream test's helper: a sample event of a type, signed and delivered to a running bridge, with the
// package's own signer (`node build/send.js <bridge URL> <secret> <recordId>`).
import { deliver, sampleEvent } from 'popp-bridge/testing';

const [url = 'http://127.0.0.1:3000', secret = '', recordId] = process.argv.slice(2);
const event = sampleEvent('DOCUMENT_UPLOADED', { ...(recordId && { recordId }), data: { fileName: 'signed-by-the-package.pdf' } });
const answer = await deliver(url, event, secret);
console.log(JSON.stringify({ eventId: event.eventId, ...answer }));
