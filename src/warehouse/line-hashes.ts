/**
 * Counts repeated lines while they stream past, for the duplicate-row check of a raw CSV load:
 * two 32-bit mixes make a 64-bit fingerprint per line, kept in an open-addressing
 * table of typed arrays (8 bytes a line, no per-line objects). Identical lines are identical rows;
 * rows written differently (`"a"` vs `a`) are not seen as repeats. Stops counting (and says so)
 * past `maxLines`, so memory stays bounded.
 */
export class LineHashes {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private size = 0;
  /** lines seen again after their first occurrence */
  repeats = 0;
  /** false once more than `maxLines` lines were offered */
  complete = true;

  constructor(private readonly maxLines: number) {
    this.hi = new Uint32Array(1 << 16);
    this.lo = new Uint32Array(1 << 16);
  }

  /** Offer one line, `buf[start, end)` (the line break excluded). */
  add(buf: Uint8Array, start: number, end: number): void {
    if (!this.room()) return;
    // four bytes a step: two independent 32-bit mixes, finished with murmur3's avalanche
    let a = 0x811c9dc5 ^ (end - start);
    let b = 0x9747b28c;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const w = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
      a = Math.imul(a ^ w, 0x01000193);
      b = Math.imul(b + w, 0x5bd1e995) ^ (b >>> 13);
    }
    for (; i < end; i++) {
      a = Math.imul(a ^ buf[i]!, 0x01000193);
      b = Math.imul(b + buf[i]!, 0x5bd1e995) ^ (b >>> 13);
    }
    this.count(a, b);
  }

  /** Offer one line as text (a row the typed reader encoded): the same check over UTF-16 units. */
  addText(text: string): void {
    if (!this.room()) return;
    let a = 0x811c9dc5 ^ text.length;
    let b = 0x9747b28c;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b + c, 0x5bd1e995) ^ (b >>> 13);
    }
    this.count(a, b);
  }

  private room(): boolean {
    if (!this.complete) return false;
    if (this.size < this.maxLines) return true;
    this.complete = false;
    return false;
  }

  private count(a: number, b: number): void {
    a = fmix(a);
    b = fmix(b ^ a);
    // 0/0 marks an empty slot
    a = a >>> 0 || 1;
    b >>>= 0;
    if ((this.size + 1) * 2 > this.hi.length) this.grow();
    if (this.insert(a, b)) this.size++;
    else this.repeats++;
  }

  private insert(a: number, b: number): boolean {
    const mask = this.hi.length - 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const h = this.hi[i]!;
      if (h === 0) {
        this.hi[i] = a;
        this.lo[i] = b;
        return true;
      }
      if (h === a && this.lo[i] === b) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    for (let i = 0; i < hi.length; i++) if (hi[i]) this.insert(hi[i]!, lo[i]!);
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
