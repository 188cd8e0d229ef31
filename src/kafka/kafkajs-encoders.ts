import { createRequire } from 'node:module';
import { CLOUDEVENTS, HEADER } from '../contract/headers.js';
import { patchEncoderGrowth } from './encoder-growth.js';
import {
  batchTimestamps,
  createProduceRequestEncoder,
  type ProduceRequestArgs,
  type ProduceRequestEncoder,
} from './produce-request-encoder.js';
import {
  createRecordEncoder,
  ENCODER_MODULE,
  type FastRecordEncoder,
  RECORD_MODULE,
  type RecordEncoder,
  sameRecordBytes,
} from './record-encoder.js';

const require = createRequire(import.meta.url);
/** Loaded lazily by kafkajs on the first produce; v4–v7 reuse it. It captures the record module when it loads. */
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request.js';

export interface EncodersInstalled {
  record: boolean;
  produce: boolean;
  growth: boolean;
  /** Why kafkajs was left as shipped, when it was. */
  reason?: string;
}

let installed: Promise<EncodersInstalled> | undefined;

/**
 * Puts the project's record and produce-request encoders into kafkajs' module
 * cache, where its produce path loads them, and makes its Encoder grow without
 * zero-filling (encoder-growth.ts). Each goes in only after writing
 * the same bytes as the stock one on a sample, and only if kafkajs has not
 * produced yet in this process; otherwise kafkajs stays as shipped. Every
 * require of kafkajs' internals happens in here, so a kafkajs whose files
 * moved (another version than the pinned one) leaves it as shipped, with a
 * reason, instead of failing start-up.
 */
export function installKafkajsEncoders(): Promise<EncodersInstalled> {
  installed ??= install().catch((error: unknown) => ({
    record: false,
    produce: false,
    growth: false,
    reason: `kafkajs internals not as expected: ${(error as Error).message.split('\n')[0]}`,
  }));
  return installed;
}

/** What the process has: installed, or not (and why). Undefined before any producer asked for them. */
export function kafkajsEncoderState(): Promise<EncodersInstalled> | undefined {
  return installed;
}

async function install(): Promise<EncodersInstalled> {
  const growth = patchEncoderGrowth(require(ENCODER_MODULE));
  if (require.cache[require.resolve(PRODUCE_REQUEST_MODULE)]) {
    return { record: false, produce: false, growth, reason: 'kafkajs had already produced in this process' };
  }
  const recordPath = require.resolve(RECORD_MODULE);
  const stockRecord = require(recordPath) as RecordEncoder;
  const record = createRecordEncoder(stockRecord);
  const recordOk = sameRecordBytes(stockRecord, record);
  const recordModule = require.cache[recordPath];
  if (recordOk && recordModule) recordModule.exports = Object.assign(record, { stock: stockRecord });

  const producePath = require.resolve(PRODUCE_REQUEST_MODULE);
  const stockProduce = require(producePath) as ProduceRequestEncoder;
  const produceOk = recordOk && (await sameProduceBytes(stockProduce, record));
  const produceModule = require.cache[producePath];
  if (produceOk && produceModule) {
    produceModule.exports = Object.assign(createProduceRequestEncoder({ stock: stockProduce, record }), {
      stock: stockProduce,
    });
  }
  const ok = recordOk && produceOk && growth;
  return { record: recordOk, produce: produceOk, growth, ...(!ok && { reason: 'a self-check wrote other bytes than kafkajs' }) };
}

/** A request with several topics and partitions, non-ASCII, shared and array headers. */
export const SAMPLE_PRODUCE: ProduceRequestArgs = {
  acks: -1,
  timeout: 5_000,
  topicData: [
    {
      topic: 'popp.document.uploaded',
      partitions: [
        {
          partition: 3,
          firstSequence: 0,
          messages: [
            {
              key: 'conv_1',
              value: Buffer.from('{"event":"DOCUMENT_UPLOADED"}'),
              headers: { [HEADER.eventId]: 'e1', [CLOUDEVENTS.subject]: 'ü' },
            },
            { key: 'conv_1', value: Buffer.from('{}'), headers: { list: ['a', 'b'] } },
          ],
        },
        { partition: 0, messages: [{ key: null, value: 'välue', headers: {} }] },
      ],
    },
    { topic: 'popp.événements', partitions: [{ partition: 5, messages: [{ key: Buffer.from('k'), value: Buffer.alloc(3_000, 1) }] }] },
  ],
};

/** Compares with kafkajs' own request, given the clock kafkajs read for each batch. */
export async function sameProduceBytes(
  stock: ProduceRequestEncoder,
  record: FastRecordEncoder,
  args: ProduceRequestArgs = SAMPLE_PRODUCE,
): Promise<boolean> {
  try {
    const expected = (await stock(args).encode()).buffer;
    const clock = batchTimestamps(expected);
    const fast = createProduceRequestEncoder({ stock, record, now: () => clock.shift() ?? Number.NaN });
    const actual = (await fast(args).encode()).buffer;
    return actual.equals(expected);
  } catch {
    return false;
  }
}
