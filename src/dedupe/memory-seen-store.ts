import type { SeenStore } from './dedupe.js';
import { createFingerprinter, FINGERPRINT_WORDS, mix } from './fingerprint.js';

const INITIAL_CAPACITY = 1_024;
/** A ring slot that was remembered again later: its index entry is gone and its expiry no longer counts. */
const DEAD = -1;

/**
 * The in-memory seen set: per eventId a 16-byte fingerprint and an expiry in
 * typed arrays (a ring in insertion order, which is expiry order, and an
 * open-addressing index), about 40 bytes an entry outside the JS heap. A Map
 * of strings took about 100 bytes an entry on the heap, and a heap that holds
 * 200,000 long-lived entries is one the garbage collector lets grow by far
 * more than that. A lowercase UUID is its own 16 bytes; any other id is the
 * first 16 bytes of its SHA-256 (a false match is a 2^-128 chance).
 * `onRemember`, `restore` and `live` let the window be kept on disk
 * (persistent-seen-store.ts) as fingerprints and expiries, never as ids.
 */
export function createMemorySeenStore(options: {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
  /** Slots before the first growth; the tables double up to maxEntries as ids arrive. */
  initialCapacity?: number;
  /** Told of every id remembered: its fingerprint (reused buffer: copy it) and expiry. */
  onRemember?: (key: Uint32Array, expiresAt: number) => void;
}): MemorySeenStore {
  const now = options.now ?? Date.now;
  const fingerprint = createFingerprinter();
  let capacity = Math.max(1, Math.min(options.initialCapacity ?? INITIAL_CAPACITY, options.maxEntries));
  let fingerprints = new Uint32Array(capacity * 4);
  let expiries = new Float64Array(capacity);
  let head = 0;
  let count = 0;
  let live = 0;
  let index = new Int32Array(tableSize(capacity));
  let mask = index.length - 1;

  function slotHash(slot: number): number {
    const at = slot * 4;
    return mix(fingerprints[at] as number, fingerprints[at + 1] as number, fingerprints[at + 2] as number, fingerprints[at + 3] as number);
  }

  /** The index position holding `words`, or -1. */
  function find(key: Uint32Array): number {
    for (let i = mix(key[0] as number, key[1] as number, key[2] as number, key[3] as number) & mask; ; i = (i + 1) & mask) {
      const entry = index[i] as number;
      if (entry === 0) return -1;
      const at = (entry - 1) * 4;
      if (
        fingerprints[at] === key[0] &&
        fingerprints[at + 1] === key[1] &&
        fingerprints[at + 2] === key[2] &&
        fingerprints[at + 3] === key[3]
      ) {
        return i;
      }
    }
  }

  function insert(slot: number): void {
    let i = slotHash(slot) & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = slot + 1;
  }

  /** Backward-shift deletion: later entries of the probe run move up, so no tombstones are needed. */
  function removeAt(position: number): void {
    let hole = position;
    for (let j = (hole + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = slotHash((index[j] as number) - 1) & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      index[hole] = index[j] as number;
      hole = j;
    }
    index[hole] = 0;
  }

  function evictOldest(): void {
    if (expiries[head] !== DEAD) {
      const at = head * 4;
      const position = find(fingerprints.subarray(at, at + 4));
      if (position >= 0) removeAt(position);
      live--;
    }
    head = (head + 1) % capacity;
    count--;
  }

  /** Copies the live entries, in order, into tables for `next` slots; dead slots are left behind. */
  function rebuild(next: number): void {
    const nextFingerprints = new Uint32Array(next * 4);
    const nextExpiries = new Float64Array(next);
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const slot = (head + i) % capacity;
      if (expiries[slot] === DEAD) continue;
      nextFingerprints.set(fingerprints.subarray(slot * 4, slot * 4 + 4), kept * 4);
      nextExpiries[kept++] = expiries[slot] as number;
    }
    capacity = next;
    fingerprints = nextFingerprints;
    expiries = nextExpiries;
    head = 0;
    count = kept;
    index = new Int32Array(tableSize(capacity));
    mask = index.length - 1;
    for (let slot = 0; slot < count; slot++) insert(slot);
  }

  /** Remembers `key` until `expiresAt`, at the young end of the ring (a key already there moves). */
  function put(key: Uint32Array, expiresAt: number): void {
    const time = now();
    while (count > 0 && (expiries[head] as number) <= time) evictOldest();
    const position = find(key);
    if (position >= 0) {
      // Remembered again: it moves to the young end, as its expiry does.
      expiries[(index[position] as number) - 1] = DEAD;
      removeAt(position);
      live--;
    }
    if (count === capacity) {
      if (capacity < options.maxEntries) rebuild(Math.min(capacity * 2, options.maxEntries));
      else if (live < count) rebuild(capacity);
      else evictOldest();
    }
    const slot = (head + count) % capacity;
    fingerprints.set(key, slot * 4);
    expiries[slot] = expiresAt;
    count++;
    live++;
    insert(slot);
  }

  return {
    seen(eventId) {
      const position = find(fingerprint(eventId));
      return position >= 0 && (expiries[(index[position] as number) - 1] as number) > now();
    },
    remember(eventId) {
      const key = fingerprint(eventId);
      const expiresAt = now() + options.ttlMs;
      put(key, expiresAt);
      options.onRemember?.(key, expiresAt);
    },
    restore(key, expiresAt) {
      const position = find(key);
      // Restored twice (a snapshot and the log after it): the later expiry wins.
      if (position >= 0 && (expiries[(index[position] as number) - 1] as number) >= expiresAt) return;
      if (expiresAt > now()) put(key, expiresAt);
    },
    live() {
      const time = now();
      const keys = new Uint32Array(live * FINGERPRINT_WORDS);
      const expiresAt = new Float64Array(live);
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const slot = (head + i) % capacity;
        const expiry = expiries[slot] as number;
        if (expiry === DEAD || expiry <= time) continue;
        keys.set(fingerprints.subarray(slot * 4, slot * 4 + 4), kept * 4);
        expiresAt[kept++] = expiry;
      }
      return { keys: keys.subarray(0, kept * 4), expiresAt: expiresAt.subarray(0, kept) };
    },
    size: () => live,
  };
}

export interface MemorySeenStore extends SeenStore {
  remember(eventId: string): void;
  size(): number;
  /** Remembers a fingerprint read back from disk until `expiresAt` (nothing if that has passed). */
  restore(key: Uint32Array, expiresAt: number): void;
  /** The live entries, oldest first: 4 words of fingerprint and an expiry each (copies). */
  live(): { keys: Uint32Array; expiresAt: Float64Array };
}

/** Index size: a power of two at least twice the capacity, so probe runs stay short. */
function tableSize(capacity: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(2, capacity * 2)));
}
