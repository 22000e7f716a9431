/**
 * Counts repeated lines while they stream past, for the duplicate-row check of a raw CSV load:
 * two 32-bit FNV-1a variants make a 64-bit fingerprint per line, kept in an open-addressing
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
    if (!this.complete) return;
    if (this.size >= this.maxLines) {
      this.complete = false;
      return;
    }
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ (end - start);
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
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
