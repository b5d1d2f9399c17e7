'use strict';
// Seeded PRNG (mulberry32) with uniform / normal helpers; used for data and weight init everywhere.
function mulberry32(seed) {
  let a = seed >>> 0;
  return function() {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
    this.spare = null;
  }
  uniform(lo = 0, hi = 1) {
    return lo + (hi - lo) * this.next();
  }
  int(n) { // 0..n-1
    return Math.floor(this.next() * n);
  }
  intIn(lo, hi) { // inclusive
    return lo + this.int(hi - lo + 1);
  }
  pick(arr) {
    return arr[this.int(arr.length)];
  }
  normal(mean = 0, std = 1) {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return mean + std * s;
    }
    let u = 0;
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }
  shuffle(arr) {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [arr[i], arr[j]] = [arr[j], arr[i]];
    }
    return arr;
  }
  fill(n, f) {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = f(this);
    return a;
  }
}

module.exports = {Rng, mulberry32};
