/**
 * Sorts `order[0..n)` so that higher `score[order[k]]` comes first, equal
 * scores by lower index first. Heapsort: in place, O(n log n) at worst, no
 * recursion and no allocation, and the total order makes it deterministic.
 */
export function sortByScoreDescending(order: Int32Array, score: Float32Array, n: number): void {
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(order, score, start, n);
  for (let end = n - 1; end > 0; end--) {
    const t = order[0];
    order[0] = order[end];
    order[end] = t;
    siftDown(order, score, 0, end);
  }
}

// The heap keeps the element that must come LAST (lowest score, then highest
// index) at the root, so repeatedly moving the root to the end sorts best-first.
function after(score: Float32Array, a: number, b: number): boolean {
  return score[a] < score[b] || (score[a] === score[b] && a > b);
}

function siftDown(order: Int32Array, score: Float32Array, root: number, end: number): void {
  const item = order[root];
  let i = root;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= end) break;
    if (child + 1 < end && after(score, order[child + 1], order[child])) child++;
    if (!after(score, order[child], item)) break;
    order[i] = order[child];
    i = child;
  }
  order[i] = item;
}
