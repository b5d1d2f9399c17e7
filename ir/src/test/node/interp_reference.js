'use strict';
// Generates ir/src/test/resources/dev/mcugen/ir/interp/tfjs_reference.json: small layer graphs whose
// outputs TensorFlow.js (4.22.0, pure-JS cpu backend) computed with model.predict, for
// TfjsReferenceTest. Weights and inputs are not stored: both sides draw them from the same xorshift32
// stream (exact float32 values k / 2^24 - 0.5), consumed per case in layer order, each layer's
// weights in Keras order (= mcugen WeightSpecs order), then the inputs.
//
//   NODE_PATH=examples/node_modules node ir/src/test/node/interp_reference.js > \
//       ir/src/test/resources/dev/mcugen/ir/interp/tfjs_reference.json
const tf = require('@tensorflow/tfjs');

class Stream {
  constructor(seed) {
    this.s = seed >>> 0;
  }
  /** Uniform in [-0.5, 0.5), exactly representable in float32. */
  next() {
    let s = this.s;
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    this.s = s;
    return (s >>> 8) / 16777216 - 0.5;
  }
  fill(n, scale, offset) {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.next() * scale + offset;
    return a;
  }
}

// Weight value ranges: [scale, offset] of next() * scale + offset.
function weightRange(name) {
  if (name === 'moving_variance') return [1, 1.0]; // [0.5, 1.5)
  if (name === 'gamma') return [1, 1.0];
  return [1, 0];
}

const camel = {hard_sigmoid: 'hardSigmoid'};
const act = a => (a == null ? undefined : camel[a] || a);

/** Builds the tf layer for one mcugen spec. */
function tfLayer(l) {
  const c = l.config;
  const base = {name: l.name};
  switch (l.kind) {
    case 'dense':
      return tf.layers.dense({...base, units: c.units, activation: act(c.activation), useBias: c.useBias});
    case 'conv1d':
      return tf.layers.conv1d({...base, filters: c.filters, kernelSize: c.kernelSize, strides: c.stride,
        dilationRate: c.dilation, padding: c.padding, activation: act(c.activation), useBias: c.useBias});
    case 'conv2d':
      return tf.layers.conv2d({...base, filters: c.filters, kernelSize: [c.kernelH, c.kernelW],
        strides: [c.strideH, c.strideW], dilationRate: [c.dilationH, c.dilationW], padding: c.padding,
        activation: act(c.activation), useBias: c.useBias});
    case 'max_pool':
    case 'avg_pool': {
      const max = l.kind === 'max_pool';
      if (c.size.length === 1) {
        const f = max ? tf.layers.maxPooling1d : tf.layers.averagePooling1d;
        return f({...base, poolSize: c.size[0], strides: c.strides[0], padding: c.padding});
      }
      const f = max ? tf.layers.maxPooling2d : tf.layers.averagePooling2d;
      return f({...base, poolSize: c.size, strides: c.strides, padding: c.padding});
    }
    case 'global_avg_pool':
      return c.spatialRank === 1 ? tf.layers.globalAveragePooling1d(base) : tf.layers.globalAveragePooling2d(base);
    case 'global_max_pool':
      return c.spatialRank === 1 ? tf.layers.globalMaxPooling1d(base) : tf.layers.globalMaxPooling2d(base);
    case 'flatten':
      return tf.layers.flatten(base);
    case 'reshape':
      return tf.layers.reshape({...base, targetShape: c.target});
    case 'dropout':
      return tf.layers.dropout({...base, rate: c.rate});
    case 'batch_norm':
      return tf.layers.batchNormalization({...base, epsilon: c.epsilon});
    case 'activation':
      return tf.layers.activation({...base, activation: act(c.activation)});
    case 'add':
      return tf.layers.add(base);
    case 'concatenate':
      return tf.layers.concatenate({...base, axis: c.axis + 1});
    case 'simple_rnn':
      return tf.layers.simpleRNN({...base, units: c.units, activation: act(c.activation), useBias: c.useBias,
        returnSequences: c.returnSequences, goBackwards: c.goBackwards});
    case 'lstm':
      return tf.layers.lstm({...base, units: c.units, activation: act(c.activation),
        recurrentActivation: act(c.recurrentActivation), useBias: c.useBias,
        returnSequences: c.returnSequences, goBackwards: c.goBackwards});
    case 'gru':
      return tf.layers.gru({...base, units: c.units, activation: act(c.activation),
        recurrentActivation: act(c.recurrentActivation), useBias: c.useBias,
        returnSequences: c.returnSequences, goBackwards: c.goBackwards});
    default:
      throw new Error('kind ' + l.kind);
  }
}

// ---- the cases ---------------------------------------------------------------------------------------

const L = (name, kind, inputs, config) => ({name, kind, inputs, config});
const dense = (units, activation, useBias = true) => ({units, activation, useBias});
const rnn = (units, o = {}) => ({units, activation: 'tanh', recurrentActivation: 'hard_sigmoid', useBias: true,
  returnSequences: false, goBackwards: false, ...o});
const conv1d = (filters, kernelSize, stride, dilation, padding, activation = 'linear') =>
  ({filters, kernelSize, stride, dilation, padding, activation, useBias: true});
const conv2d = (filters, kh, kw, sh, sw, dh, dw, padding, activation = 'linear') =>
  ({filters, kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, padding,
    activation, useBias: true});
const pool = (size, strides, padding) => ({size, strides, padding});

const cases = [
  {name: 'dense_mlp', inputs: [{name: 'x', shape: [5]}], inputScale: 4, layers: [
    L('d1', 'dense', ['x'], dense(7, 'relu')),
    L('d2', 'dense', ['d1'], dense(6, 'relu6')),
    L('d3', 'dense', ['d2'], dense(4, 'softmax')),
  ]},
  {name: 'dense_wide', inputs: [{name: 'x', shape: [100]}], inputScale: 2, layers: [
    L('d1', 'dense', ['x'], dense(60, 'tanh')),
    L('d2', 'dense', ['d1'], dense(3, 'sigmoid', false)),
  ]},
  {name: 'dense_rank3', inputs: [{name: 'x', shape: [4, 6]}], inputScale: 2, layers: [
    L('d1', 'dense', ['x'], dense(3, 'hard_sigmoid')),
    L('f', 'flatten', ['d1'], {}),
  ]},
  {name: 'activations', inputs: [{name: 'x', shape: [3, 8]}], inputScale: 16, layers: [
    L('a_relu6', 'activation', ['x'], {activation: 'relu6'}),
    L('a_sig', 'activation', ['x'], {activation: 'sigmoid'}),
    L('a_hsig', 'activation', ['x'], {activation: 'hard_sigmoid'}),
    L('a_tanh', 'activation', ['x'], {activation: 'tanh'}),
    L('a_soft', 'activation', ['x'], {activation: 'softmax'}),
    L('a_relu', 'activation', ['x'], {activation: 'relu'}),
    L('cat', 'concatenate', ['a_relu6', 'a_sig', 'a_hsig', 'a_tanh', 'a_soft', 'a_relu'], {axis: 1}),
  ]},
  {name: 'conv1d_same_stride', inputs: [{name: 'x', shape: [11, 3]}], inputScale: 2, layers: [
    L('c1', 'conv1d', ['x'], conv1d(4, 3, 2, 1, 'same', 'relu')),
    L('c2', 'conv1d', ['c1'], conv1d(5, 2, 1, 1, 'same')),
    L('c3', 'conv1d', ['x'], conv1d(2, 3, 1, 2, 'valid', 'tanh')),
    L('c4', 'conv1d', ['x'], conv1d(2, 4, 1, 3, 'same')),
  ]},
  {name: 'conv2d', inputs: [{name: 'x', shape: [7, 6, 2]}], inputScale: 2, layers: [
    L('c1', 'conv2d', ['x'], conv2d(3, 3, 3, 2, 2, 1, 1, 'same', 'relu')),
    L('c2', 'conv2d', ['x'], conv2d(2, 3, 2, 1, 1, 2, 2, 'same')),
    L('c3', 'conv2d', ['x'], conv2d(4, 2, 3, 2, 1, 1, 1, 'valid')),
    L('c4', 'conv2d', ['x'], conv2d(5, 1, 1, 1, 1, 1, 1, 'valid')),
    L('c5', 'conv2d', ['c4'], conv2d(2, 2, 2, 1, 1, 1, 1, 'same')),
  ]},
  {name: 'pool1d', inputs: [{name: 'x', shape: [10, 3]}], inputScale: 4, layers: [
    L('mp_same', 'max_pool', ['x'], pool([3], [2], 'same')),
    L('ap_same', 'avg_pool', ['x'], pool([3], [2], 'same')),
    L('ap_same4', 'avg_pool', ['x'], pool([4], [3], 'same')),
    L('mp_valid', 'max_pool', ['x'], pool([2], [2], 'valid')),
    L('gap', 'global_avg_pool', ['x'], {spatialRank: 1}),
    L('gmp', 'global_max_pool', ['x'], {spatialRank: 1}),
  ]},
  {name: 'pool2d', inputs: [{name: 'x', shape: [5, 7, 2]}], inputScale: 4, layers: [
    L('mp_same', 'max_pool', ['x'], pool([3, 3], [2, 2], 'same')),
    L('ap_same', 'avg_pool', ['x'], pool([3, 2], [2, 2], 'same')),
    L('ap_valid', 'avg_pool', ['x'], pool([2, 2], [1, 2], 'valid')),
    L('gap', 'global_avg_pool', ['x'], {spatialRank: 2}),
    L('gmp', 'global_max_pool', ['x'], {spatialRank: 2}),
  ]},
  {name: 'batch_norm', inputs: [{name: 'x', shape: [4, 5]}], inputScale: 4, layers: [
    L('bn', 'batch_norm', ['x'], {epsilon: 0.001}),
    L('d', 'dense', ['bn'], dense(3, 'linear')),
    L('bn2', 'batch_norm', ['d'], {epsilon: 0.01}),
    L('r', 'reshape', ['bn2'], {target: [12]}),
    L('dr', 'dropout', ['r'], {rate: 0.5}),
  ]},
  {name: 'add_concat', inputs: [{name: 'a', shape: [4]}, {name: 'b', shape: [4]}], inputScale: 2, layers: [
    L('da', 'dense', ['a'], dense(3, 'relu')),
    L('db', 'dense', ['b'], dense(3, 'tanh')),
    L('sum', 'add', ['da', 'db', 'db'], {}),
    L('cat', 'concatenate', ['sum', 'a', 'da'], {axis: 0}),
  ]},
  {name: 'simple_rnn', inputs: [{name: 'x', shape: [5, 3]}], inputScale: 2, layers: [
    L('r1', 'simple_rnn', ['x'], rnn(4, {returnSequences: true})),
    L('r2', 'simple_rnn', ['r1'], rnn(3, {goBackwards: true, activation: 'relu'})),
    L('r3', 'simple_rnn', ['x'], rnn(2, {goBackwards: true, returnSequences: true, useBias: false})),
  ]},
  {name: 'lstm', inputs: [{name: 'x', shape: [6, 3]}], inputScale: 2, layers: [
    L('l1', 'lstm', ['x'], rnn(5, {returnSequences: true})),
    L('l2', 'lstm', ['l1'], rnn(4, {recurrentActivation: 'sigmoid'})),
    L('l3', 'lstm', ['x'], rnn(3, {goBackwards: true, returnSequences: true})),
    L('l4', 'lstm', ['x'], rnn(3, {goBackwards: true, useBias: false, activation: 'relu'})),
  ]},
  {name: 'lstm_wide', inputs: [{name: 'x', shape: [3, 50]}], inputScale: 1, layers: [
    L('l1', 'lstm', ['x'], rnn(49, {returnSequences: true, recurrentActivation: 'sigmoid'})),
  ]},
  {name: 'lstm_open_length', inputs: [{name: 'x', shape: [null, 2]}], inputScale: 2, dataSteps: 7, layers: [
    L('l1', 'lstm', ['x'], rnn(4, {returnSequences: true})),
    L('d', 'dense', ['l1'], dense(2, 'softmax')),
  ]},
  {name: 'gru', inputs: [{name: 'x', shape: [6, 3]}], inputScale: 2, layers: [
    L('g1', 'gru', ['x'], rnn(5, {returnSequences: true})),
    L('g2', 'gru', ['g1'], rnn(4, {recurrentActivation: 'sigmoid'})),
    L('g3', 'gru', ['x'], rnn(3, {goBackwards: true, returnSequences: true})),
    L('g4', 'gru', ['x'], rnn(3, {goBackwards: true, useBias: false})),
  ]},
];

const SAMPLES = 3;

function run(c, caseIndex) {
  const seed = (0x9e3779b9 ^ Math.imul(caseIndex + 1, 0x85ebca6b)) >>> 0;
  const stream = new Stream(seed);
  const tensors = {};
  const inputs = c.inputs.map(i => {
    const t = tf.input({shape: i.shape, name: i.name});
    tensors[i.name] = t;
    return t;
  });
  const layers = [];
  for (const l of c.layers) {
    const layer = tfLayer(l);
    const ins = l.inputs.map(n => tensors[n]);
    tensors[l.name] = layer.apply(ins.length === 1 ? ins[0] : ins);
    layers.push(layer);
  }
  const outNames = c.outputs || c.layers.map(l => l.name);
  const model = tf.model({inputs, outputs: outNames.map(n => tensors[n])});
  for (const layer of layers) {
    const ws = layer.weights;
    if (ws.length === 0) continue;
    layer.setWeights(ws.map(w => {
      const name = w.originalName.split('/').pop();
      const [scale, offset] = weightRange(name);
      const n = w.shape.reduce((a, b) => a * b, 1);
      return tf.tensor(stream.fill(n, scale, offset), w.shape);
    }));
  }
  const x = {};
  const xs = c.inputs.map(i => {
    const shape = i.shape.map(d => (d == null ? c.dataSteps : d));
    const n = SAMPLES * shape.reduce((a, b) => a * b, 1);
    const data = stream.fill(n, c.inputScale, 0);
    x[i.name] = {shape: [SAMPLES, ...shape]};
    return tf.tensor(data, [SAMPLES, ...shape]);
  });
  let ys = model.predict(xs.length === 1 ? xs[0] : xs);
  if (!Array.isArray(ys)) ys = [ys];
  const y = {};
  outNames.forEach((n, k) => {
    y[n] = {shape: ys[k].shape, data: Array.from(ys[k].dataSync())};
  });
  return {name: c.name, seed,
    inputs: c.inputs.map(i => ({name: i.name, shape: i.shape.map(d => (d == null ? -1 : d))})),
    inputScale: c.inputScale, layers: c.layers, outputs: outNames, x, y};
}

async function main() {
  await tf.setBackend('cpu');
  tf.backend().firstUse = false;
  const out = {generator: 'ir/src/test/node/interp_reference.js', tfjs: tf.version.tfjs, backend: tf.getBackend(),
    samples: SAMPLES, cases: cases.map(run)};
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
