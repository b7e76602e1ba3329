// The best `capacity` search results seen so far: a binary heap of (score, document number) with
// the worst at the root, so most candidates are turned away with one comparison. "Better" is a
// higher score, then a newer document (a higher number).

/** The results of a search, best first. */
export interface Ranked {
  /** Scores, as 32-bit floats (widened). */
  scores: Float64Array;
  /** Document numbers in the index (creation order; see search-indexes.ts). */
  nums: Float64Array;
  length: number;
}

export const NO_RESULTS: Ranked = { scores: new Float64Array(0), nums: new Float64Array(0), length: 0 };

export class Best {
  private readonly scores: Float64Array;
  private readonly nums: Float64Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.scores = new Float64Array(capacity);
    this.nums = new Float64Array(capacity);
  }

  /** Whether (score, num) would be kept: the heap has room, or it beats the worst kept. */
  wants(score: number, num: number): boolean {
    if (this.size < this.capacity) return true;
    const worst = this.scores[0]!;
    return score > worst || (score === worst && num > this.nums[0]!);
  }

  offer(score: number, num: number): void {
    if (!this.wants(score, num)) return;
    if (this.size < this.capacity) {
      this.siftUp(this.size++, score, num);
    } else {
      this.siftDown(0, score, num);
    }
  }

  /** Best first. */
  ranked(): Ranked {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.scores[b]! - this.scores[a]! || this.nums[b]! - this.nums[a]!);
    return {
      scores: Float64Array.from(order, (i) => this.scores[i]!),
      nums: Float64Array.from(order, (i) => this.nums[i]!),
      length: this.size,
    };
  }

  private siftUp(at: number, score: number, num: number): void {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(score, num, this.scores[parent]!, this.nums[parent]!)) break;
      this.scores[i] = this.scores[parent]!;
      this.nums[i] = this.nums[parent]!;
      i = parent;
    }
    this.scores[i] = score;
    this.nums[i] = num;
  }

  /** Puts (score, num) in place of the root, moving worse children up. */
  private siftDown(at: number, score: number, num: number): void {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && worse(this.scores[right]!, this.nums[right]!, this.scores[left]!, this.nums[left]!) ? right : left;
      if (!worse(this.scores[child]!, this.nums[child]!, score, num)) break;
      this.scores[i] = this.scores[child]!;
      this.nums[i] = this.nums[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.nums[i] = num;
  }
}

function worse(score: number, num: number, otherScore: number, otherNum: number): boolean {
  return score < otherScore || (score === otherScore && num < otherNum);
}
