'use strict';
// Shared setup: pure-JS cpu backend, Math.random replaced by a seeded PRNG (tfjs-layers uses Math.random for
// e.g. fit() shuffling and unseeded initializers; we avoid those, this is belt and braces), seeded weights.
const {Rng, mulberry32} = require('./rng');

let tf = null;
async function initTf(seed = 1) {
  Math.random = mulberry32(seed ^ 0x5eed);
  tf = require('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error('cpu backend not active');
  // The cpu backend prints a "install tfjs-node" banner on its first tensor; we use the pure-JS backend on
  // purpose. The Orthogonal initializer warns about big matrices; we overwrite all weights anyway.
  tf.backend().firstUse = false;
  const warn = console.warn;
  console.warn = (...a) => {
    if (typeof a[0] === 'string' && a[0].startsWith('Orthogonal initializer')) return;
    warn(...a);
  };
  return tf;
}

/**
 * Overwrites every weight of `model` with values from the seeded `rng`.
 * mode 'train': Glorot-uniform kernels, scaled-uniform recurrent kernels, zero biases (LSTM forget bias 1).
 * mode 'fixture': same kernels, but non-zero random biases and random BatchNormalization statistics so that
 * every parameter matters for the golden output.
 */
function seedWeights(model, rng, mode = 'fixture') {
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const cls = layer.getClassName();
    const names = layer.weights.map(w => w.originalName.split('/').pop());
    const out = ws.map((w, i) => {
      const shape = w.shape;
      const n = shape.reduce((a, b) => a * b, 1);
      const name = names[i];
      let vals;
      if (name === 'kernel' || name === 'depthwise_kernel' || name === 'pointwise_kernel') {
        const fanOut = shape[shape.length - 1];
        const fanIn = n / fanOut;
        const recurrentGates = {LSTM: 4, GRU: 3, SimpleRNN: 1}[cls] || 1;
        // For RNNs count fan-out per gate, like Keras does for the concatenated gate matrix.
        const lim = Math.sqrt(6 / (fanIn + fanOut / recurrentGates));
        vals = rng.fill(n, r => r.uniform(-lim, lim));
      } else if (name === 'recurrent_kernel') {
        const units = shape[0];
        const lim = 1.0 / Math.sqrt(units);
        vals = rng.fill(n, r => r.uniform(-lim, lim));
      } else if (name === 'bias') {
        if (mode === 'train') {
          vals = new Float32Array(n);
          if (cls === 'LSTM') {
            const u = n / 4;
            for (let k = u; k < 2 * u; k++) vals[k] = 1;
          }
        } else {
          vals = rng.fill(n, r => r.normal(0, 0.3));
        }
      } else if (name === 'gamma') {
        vals = mode === 'train' ? new Float32Array(n).fill(1) : rng.fill(n, r => r.uniform(0.5, 1.5));
      } else if (name === 'beta') {
        vals = mode === 'train' ? new Float32Array(n) : rng.fill(n, r => r.normal(0, 0.3));
      } else if (name === 'embeddings') {
        vals = rng.fill(n, r => r.normal(0, 0.5));
      } else if (name === 'moving_mean') {
        vals = mode === 'train' ? new Float32Array(n) : rng.fill(n, r => r.normal(0, 0.5));
      } else if (name === 'moving_variance') {
        vals = mode === 'train' ? new Float32Array(n).fill(1) : rng.fill(n, r => r.uniform(0.3, 2.0));
      } else if (name === 'alpha') {
        // PReLU slopes, negative ones included (a learned alpha may have either sign).
        vals = mode === 'train' ? new Float32Array(n).fill(0.25) : rng.fill(n, r => r.uniform(-0.5, 0.8));
      } else {
        throw new Error(`seedWeights: don't know weight ${layer.name}/${name}`);
      }
      return tf.tensor(vals, shape, 'float32');
    });
    layer.setWeights(out);
    out.forEach(t => t.dispose());
  }
}

function parseArgs(argv, defaults) {
  const out = Object.assign({}, defaults);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (!(key in defaults)) throw new Error(`unknown option ${a}`);
    if (typeof defaults[key] === 'boolean') {
      out[key] = true;
    } else {
      if (i + 1 >= argv.length) throw new Error(`option ${a} needs a value`);
      out[key] = argv[++i];
    }
  }
  return out;
}

module.exports = {initTf, seedWeights, parseArgs, Rng};
