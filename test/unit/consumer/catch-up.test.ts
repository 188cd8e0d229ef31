import { describe, expect, it } from 'vitest';
import { behind, endOffsets, type OffsetsAdmin } from '../../../src/consumer/catch-up.js';

/** Topic t with three partitions: 0 holds offsets 0–4, 1 is empty, 2 holds 3–9 (0–2 deleted). */
function admin(committed: Record<number, string>): OffsetsAdmin {
  return {
    fetchTopicOffsets: async () => [
      { partition: 0, offset: '5', high: '5', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
      { partition: 2, offset: '10', high: '10', low: '3' },
    ],
    fetchOffsets: async () => [
      { topic: 't', partitions: [0, 1, 2].map((partition) => ({ partition, offset: committed[partition] ?? '-1', metadata: null })) },
    ],
  };
}

describe('whether a group has caught up', () => {
  it('is behind on every partition with records beyond its committed offset', async () => {
    const fake = admin({ 0: '3' });
    expect(await behind(fake, 'g', await endOffsets(fake, ['t']), ['t'])).toEqual(['t/0', 't/2']);
  });

  it('has caught up once every committed offset reached the end, empty partitions included', async () => {
    const fake = admin({ 0: '5', 2: '10' });
    expect(await behind(fake, 'g', await endOffsets(fake, ['t']), ['t'])).toEqual([]);
  });

  it('counts a partition without a commit as at its end for a group that does not read from the beginning', async () => {
    const fake = admin({ 0: '5' });
    expect(await behind(fake, 'g', await endOffsets(fake, ['t']), ['t'], false)).toEqual([]);
  });
});
