import { describe, expect, it } from 'vitest';
import { allocFrame, FRAME_HEADER_BYTES, scanFrames, sealFrame } from '../../../src/disk/frame.js';

function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const buffer = allocFrame(payload.length);
  payload.copy(buffer, FRAME_HEADER_BYTES);
  return sealFrame(buffer);
}

describe('journal frames', () => {
  it('reads back every frame written one after another', () => {
    const bytes = Buffer.concat([frame('one'), frame(''), frame('three')]);
    const scan = scanFrames(bytes);
    expect(scan.stop).toBe('end');
    expect(scan.validEnd).toBe(bytes.length);
    expect(scan.frames.map((f) => f.payload.toString())).toEqual(['one', '', 'three']);
  });

  it('stops before a frame cut short, anywhere in it, keeping every whole frame before it', () => {
    const whole = Buffer.concat([frame('first'), frame('second')]);
    const last = frame('torn at any byte');
    for (let cut = 1; cut < last.length; cut++) {
      const scan = scanFrames(Buffer.concat([whole, last.subarray(0, cut)]));
      expect(scan.stop).toBe('short');
      expect(scan.validEnd).toBe(whole.length);
      expect(scan.frames).toHaveLength(2);
    }
  });

  it('stops at a frame whose payload does not match its CRC, and trusts nothing after it', () => {
    const good = frame('good');
    const bad = frame('flipped');
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
    const scan = scanFrames(Buffer.concat([good, bad, frame('after')]));
    expect(scan).toMatchObject({ stop: 'corrupt', validEnd: good.length });
    expect(scan.frames).toHaveLength(1);
  });

  it('treats an impossible length as corruption rather than waiting for bytes that will never come', () => {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt32BE(0xffffffff, 0);
    expect(scanFrames(bytes).stop).toBe('corrupt');
  });

  it('stops after the number of frames asked for', () => {
    const bytes = Buffer.concat([frame('a'), frame('b'), frame('c')]);
    const scan = scanFrames(bytes, 2);
    expect(scan.frames).toHaveLength(2);
    expect(scan.validEnd).toBe(frame('a').length * 2);
  });
});
