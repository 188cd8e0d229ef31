/**
 * kafkajs' Encoder grows to the next power of two with a zero-filled buffer.
 * Every request kafkajs sends is framed by two Encoders (its protocol/request.js)
 * that each take the whole request in one write: for a produce request, two
 * zeroed buffers of up to twice its size. Growing to what the write needs (at
 * least half as much again, so appends stay linear) and without zero-filling
 * writes the same bytes: what lies past `offset` is never read.
 */
interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  ensureAvailable(length: number): void;
  writeInt32(value: number): KafkajsEncoder;
  writeString(value: string | null): KafkajsEncoder;
  writeBytes(value: Buffer): KafkajsEncoder;
  writeVarIntString(value: string): KafkajsEncoder;
  writeEncoder(value: KafkajsEncoder): KafkajsEncoder;
}

type EncoderClass = { new (initialSize?: number): KafkajsEncoder; prototype: KafkajsEncoder };

function ensureAvailable(this: KafkajsEncoder, length: number): void {
  const needed = this.offset + length;
  if (needed <= this.buf.length) return;
  const grown = Buffer.allocUnsafe(Math.max(needed, Math.floor(this.buf.length * 1.5)));
  this.buf.copy(grown, 0, 0, this.offset);
  this.buf = grown;
}

/** Patches the Encoder class when a sample of writes comes out byte for byte as before; says whether it did. */
export function patchEncoderGrowth(Encoder: EncoderClass): boolean {
  if (Encoder.prototype.ensureAvailable === ensureAvailable) return true;
  const stock = Encoder.prototype.ensureAvailable;
  const before = sampleWrites(Encoder);
  Encoder.prototype.ensureAvailable = ensureAvailable;
  if (sampleWrites(Encoder).equals(before)) return true;
  Encoder.prototype.ensureAvailable = stock;
  return false;
}

/** Small writes, one that outgrows the buffer at once, then appends past it: every branch of growth. */
function sampleWrites(Encoder: EncoderClass): Buffer {
  const inner = new Encoder().writeString('popp').writeBytes(Buffer.alloc(3_000, 7));
  const outer = new Encoder().writeInt32(1).writeVarIntString('ü').writeEncoder(inner);
  for (let i = 0; i < 200; i++) outer.writeString(`record-${i}`).writeBytes(Buffer.alloc(i, i));
  return Buffer.from(outer.buffer);
}
