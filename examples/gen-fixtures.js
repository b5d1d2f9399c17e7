'use strict';
// Generates framework-made goldens for mcugen's TF.js importer and float interpreter tests.
//
//   node gen-fixtures.js [--out DIR] [--seed S] [--only name1,name2]
//
// Default DIR is ../ir/src/test/resources/tfjs (relative to this script). Each fixture is one folder with
// model.json + weight shards (tensorflowjs_converter layout; shard size and grouping vary per fixture),
// input.npy (or input_0.npy, input_1.npy, ... for multi-input models), expected.npy (TF.js model.predict;
// expected_0.npy, expected_1.npy, ... for multi-output models),
// and DIR/fixtures.json indexes them. The models are untrained; every weight (kernels, non-zero biases,
// BatchNormalization gamma/beta/moving statistics) comes from a seeded PRNG.
//
// Without --seed the shapes are fixed defaults. With --seed S, every input shape, width, sequence length,
// kernel size, pool size and stride is drawn from S, so a CI run with a fresh seed yields models the Java
// side has never seen. Weights and inputs are seeded by (S or 1) and the fixture name.
const fs = require('fs');
const path = require('path');
const {initTf, seedWeights, parseArgs, Rng} = require('./lib/common');
const {writeNpy, writeTensorNpy} = require('./lib/npy');
const {saveModel, loadModel} = require('./lib/save');
const {elementwiseFixtures} = require('./lib/elementwise-fixtures');
const {addDepthwiseFixtures} = require('./lib/depthwise');
const {addActivationFixtures} = require('./lib/activation-fixtures');
const {addShapeFixtures} = require('./lib/shape-fixtures');
const {addRnnFixtures} = require('./lib/rnn-fixtures');
const {addNormFixtures} = require('./lib/norm-fixtures');
const {multiIoFixtures} = require('./lib/multiio');

let tf;
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax'];
// TF.js layer args spell activations in camelCase; model.json stores the snake_case Keras names.
const TFJS_ACT = {linear: 'linear', relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', hard_sigmoid: 'hardSigmoid',
  tanh: 'tanh', softmax: 'softmax'};

function hashName(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Shapes and widths: fixed defaults, or drawn from the seed. */
function makeDims(seed) {
  const d = {
    batch: 5,
    dIn: 8, dHidden: 16, dOut: 5,
    seqT: 6, seqF: 7, // Dense on a 3-D input
    c1T: 32, c1C: 4, c1Filters: 8, c1K: 3, c1KOdd: 5,
    c2H: 12, c2W: 10, c2C: 3, c2Filters: 6, c2Kh: 3, c2Kw: 2,
    p1T: 31, p1C: 3, p1Pool: 3, p1Stride: 2,
    p2H: 11, p2W: 9, p2C: 2, p2Ph: 3, p2Pw: 2, p2Sh: 2, p2Sw: 1,
    rT: 10, rF: 6, rUnits: 12, rUnits2: 8,
    uF: 13, uUnits: 29, uTShort: 7, uTLong: 120, uUnits2: 17,
    ucT: 48, ucC: 6, ucFilters: 10, ucK: 5, ucUnits: 20,
  };
  if (seed == null) return d;
  const r = new Rng(seed * 7919 + 13);
  const i = (lo, hi) => r.intIn(lo, hi);
  d.batch = i(4, 8);
  d.dIn = i(3, 24); d.dHidden = i(4, 40); d.dOut = i(2, 12);
  d.seqT = i(2, 12); d.seqF = i(2, 16);
  d.c1T = i(16, 64); d.c1C = i(1, 8); d.c1Filters = i(2, 16); d.c1K = i(2, 5); d.c1KOdd = r.pick([3, 5, 7]);
  d.c2H = i(8, 16); d.c2W = i(7, 14); d.c2C = i(1, 4); d.c2Filters = i(2, 10);
  d.c2Kh = i(1, 4); d.c2Kw = i(1, 4);
  if (d.c2Kh === d.c2Kw) d.c2Kw = d.c2Kh === 4 ? 3 : d.c2Kh + 1; // keep it non-square
  d.p1T = i(15, 48); d.p1C = i(1, 6); d.p1Pool = i(2, 5);
  d.p1Stride = i(1, 4); if (d.p1Stride === d.p1Pool) d.p1Stride = d.p1Pool - 1;
  d.p2H = i(7, 15); d.p2W = i(7, 15); d.p2C = i(1, 4); d.p2Ph = i(2, 4); d.p2Pw = i(2, 4);
  d.p2Sh = i(1, 3); d.p2Sw = i(1, 3);
  if (d.p2Sh === d.p2Ph && d.p2Sw === d.p2Pw) d.p2Sw = d.p2Pw - 1;
  d.rT = i(3, 25); d.rF = i(2, 16); d.rUnits = i(4, 40); d.rUnits2 = i(3, 24);
  d.uF = i(5, 20); d.uUnits = i(10, 40); d.uTShort = i(4, 10); d.uTLong = i(60, 150); d.uUnits2 = i(6, 24);
  d.ucT = i(32, 80); d.ucC = i(2, 9); d.ucFilters = i(4, 16); d.ucK = i(3, 7); d.ucUnits = i(8, 32);
  return d;
}

// Save layouts cycled through the fixtures (converter --weight_shard_size_bytes and grouping variants).
const LAYOUTS = [
  {grouping: 'single', shardSizeBytes: 4 * 1024 * 1024},
  {grouping: 'single', shardSizeBytes: 4096},
  {grouping: 'layer', shardSizeBytes: 512},
  {grouping: 'single', shardSizeBytes: 1024},
  {grouping: 'weight', shardSizeBytes: 1024},
  {grouping: 'layer', shardSizeBytes: 2048},
];

/** Multiplies the kernel(s) of `layer` by `f` (to push pre-activations into clipping regions). */
function scaleKernel(layer, f) {
  const ws = layer.getWeights();
  const names = layer.weights.map(w => w.originalName.split('/').pop());
  layer.setWeights(ws.map((w, k) => (names[k] === 'kernel' ? tf.mul(w, f) : w)));
}

function buildFixtures(D) {
  const L = tf.layers;
  const F = [];
  const seq = (name, layers) => {
    const m = tf.sequential({name});
    layers.forEach(l => m.add(l));
    return m;
  };
  const add = (name, description, build, extra = {}) => F.push(Object.assign({name, description, build}, extra));

  // --- Dense stacks, one per activation --------------------------------------------------------------------
  for (const act of ACTIVATIONS) {
    add(`dense_${act}`, `Dense(${D.dHidden}, ${act}) -> Dense(${D.dOut}, ${act}) on [${D.dIn}]`, n => {
      const m = seq(n, [
        L.dense({units: D.dHidden, activation: TFJS_ACT[act], inputShape: [D.dIn], name: 'dense_1'}),
        L.dense({units: D.dOut, activation: TFJS_ACT[act], name: 'dense_2'}),
      ]);
      return m;
    }, {post: m => {
      if (act === 'relu6' || act === 'hard_sigmoid') scaleKernel(m.layers[0], 4); // reach the clip points
    }});
  }
  add('dense_no_bias', `Dense(${D.dHidden}, relu, useBias false) -> Dense(${D.dOut}, useBias false)`, n => seq(n, [
    L.dense({units: D.dHidden, activation: 'relu', useBias: false, inputShape: [D.dIn], name: 'dense_1'}),
    L.dense({units: D.dOut, useBias: false, name: 'dense_2'}),
  ]));
  add('dense_3d_input', `Dense on a 3-D input [T=${D.seqT}, F=${D.seqF}] (applied to the last axis), ` +
      `relu then linear; output [N, T, ${D.dOut}]`, n => seq(n, [
    L.dense({units: D.dHidden, activation: 'relu', inputShape: [D.seqT, D.seqF], name: 'dense_1'}),
    L.dense({units: D.dOut, name: 'dense_2'}),
  ]));

  // --- Activation / ReLU layers ---------------------------------------------------------------------------
  for (const act of ACTIVATIONS) {
    add(`activation_${act}`, `Dense(${D.dHidden}) -> Activation(${act})`, n => seq(n, [
      L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
      L.activation({activation: TFJS_ACT[act], name: `activation_${act}`}),
    ]), {post: m => {
      if (act === 'relu6' || act === 'hard_sigmoid') scaleKernel(m.layers[0], 4);
    }});
  }
  add('relu_layer', `Dense(${D.dHidden}) -> ReLU() layer (no maxValue)`, n => seq(n, [
    L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
    L.reLU({name: 're_lu'}),
  ]), {post: m => scaleKernel(m.layers[0], 4)});
  add('relu_layer_max6', `Dense(${D.dHidden}) -> ReLU({maxValue: 6}) layer`, n => seq(n, [
    L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
    L.reLU({maxValue: 6, name: 're_lu'}),
  ]), {post: m => scaleKernel(m.layers[0], 4)});

  // --- Conv1D -------------------------------------------------------------------------------------------
  const c1In = [D.c1T, D.c1C];
  const conv1d = (name, desc, args) => add(name, `Conv1D(${D.c1Filters}, ${desc}) on [${c1In}]`, n => seq(n, [
    L.conv1d(Object.assign({filters: D.c1Filters, inputShape: c1In, name: 'conv1d'}, args)),
  ]));
  conv1d('conv1d_valid_s1_relu', `k=${D.c1K}, valid, stride 1, relu`, {kernelSize: D.c1K, activation: 'relu'});
  conv1d('conv1d_same_s1_tanh', `k=${D.c1KOdd}, same, stride 1, tanh`,
      {kernelSize: D.c1KOdd, padding: 'same', activation: 'tanh'});
  conv1d('conv1d_valid_s2', `k=${D.c1KOdd}, valid, stride 2, linear`, {kernelSize: D.c1KOdd, strides: 2});
  conv1d('conv1d_same_s2_nobias', `k=${D.c1K}, same, stride 2, no bias`,
      {kernelSize: D.c1K, strides: 2, padding: 'same', useBias: false});
  conv1d('conv1d_valid_dil2_sigmoid', `k=${D.c1K}, valid, dilation 2, sigmoid`,
      {kernelSize: D.c1K, dilationRate: 2, activation: 'sigmoid'});
  conv1d('conv1d_same_dil2_nobias_relu', `k=${D.c1KOdd}, same, dilation 2, no bias, relu`,
      {kernelSize: D.c1KOdd, dilationRate: 2, padding: 'same', useBias: false, activation: 'relu'});
  // (padding 'causal' is not implemented by TF.js 4.22 conv1d: 'The support for CAUSAL padding mode in
  // conv1dWithBias is not implemented yet', so there is no framework golden for it here.)

  // --- Conv2D -------------------------------------------------------------------------------------------
  const c2In = [D.c2H, D.c2W, D.c2C];
  const k2 = [D.c2Kh, D.c2Kw];
  const conv2d = (name, desc, args) => add(name, `Conv2D(${D.c2Filters}, ${desc}) on [${c2In}]`, n => seq(n, [
    L.conv2d(Object.assign({filters: D.c2Filters, inputShape: c2In, name: 'conv2d'}, args)),
  ]));
  conv2d('conv2d_valid_s11_relu', `k=${k2}, valid, strides 1x1, relu`, {kernelSize: k2, activation: 'relu'});
  conv2d('conv2d_same_s11', `k=${k2}, same, strides 1x1`, {kernelSize: k2, padding: 'same'});
  conv2d('conv2d_same_s22', `k=3x3, same, strides 2x2`, {kernelSize: [3, 3], strides: [2, 2], padding: 'same'});
  conv2d('conv2d_valid_s22_nobias', `k=${k2}, valid, strides 2x2, no bias`,
      {kernelSize: k2, strides: [2, 2], useBias: false});
  conv2d('conv2d_same_s21_tanh', `k=${[k2[1], k2[0]]}, same, strides 2x1, tanh`,
      {kernelSize: [k2[1], k2[0]], strides: [2, 1], padding: 'same', activation: 'tanh'});
  conv2d('conv2d_valid_dil22', `k=${k2}, valid, dilation 2x2`, {kernelSize: k2, dilationRate: [2, 2]});
  conv2d('conv2d_same_dil22_relu6', `k=3x2, same, dilation 2x2, relu6`,
      {kernelSize: [3, 2], dilationRate: [2, 2], padding: 'same', activation: 'relu6'});

  // --- Pooling ------------------------------------------------------------------------------------------
  const p1In = [D.p1T, D.p1C];
  for (const kind of ['max', 'avg']) {
    for (const padding of ['valid', 'same']) {
      const ctor = kind === 'max' ? L.maxPooling1d : L.averagePooling1d;
      add(`${kind}pool1d_${padding}_p${D.p1Pool}_s${D.p1Stride}`,
          `${kind === 'max' ? 'MaxPooling1D' : 'AveragePooling1D'}(pool ${D.p1Pool}, stride ${D.p1Stride}, ` +
          `${padding}) on [${p1In}]` + (kind === 'avg' && padding === 'same' ?
            ' (TF excludes the padding from the average)' : ''),
          n => seq(n, [ctor({poolSize: D.p1Pool, strides: D.p1Stride, padding, inputShape: p1In, name: 'pool'})]));
    }
  }
  add('avgpool1d_same_p2_default_stride', `AveragePooling1D(pool 2, default stride = pool, same) on [${p1In}]`,
      n => seq(n, [L.averagePooling1d({poolSize: 2, padding: 'same', inputShape: p1In, name: 'pool'})]));
  const p2In = [D.p2H, D.p2W, D.p2C];
  const pp = [D.p2Ph, D.p2Pw], ps = [D.p2Sh, D.p2Sw];
  for (const kind of ['max', 'avg']) {
    for (const padding of ['valid', 'same']) {
      const ctor = kind === 'max' ? L.maxPooling2d : L.averagePooling2d;
      add(`${kind}pool2d_${padding}_p${pp.join('x')}_s${ps.join('x')}`,
          `${kind === 'max' ? 'MaxPooling2D' : 'AveragePooling2D'}(pool ${pp.join('x')}, strides ` +
          `${ps.join('x')}, ${padding}) on [${p2In}]` + (kind === 'avg' && padding === 'same' ?
            ' (TF excludes the padding from the average)' : ''),
          n => seq(n, [ctor({poolSize: pp, strides: ps, padding, inputShape: p2In, name: 'pool'})]));
    }
  }
  add('avgpool2d_same_square_p3_s2', `AveragePooling2D(pool 3x3, strides 2x2, same) on [${p2In}] (padding ` +
      'excluded from the average at every border)',
  n => seq(n, [L.averagePooling2d({poolSize: 3, strides: 2, padding: 'same', inputShape: p2In, name: 'pool'})]));

  // --- Global pooling, Flatten, Reshape, Dropout, BatchNormalization ------------------------------------
  add('global_avg_pool1d', `Conv1D(${D.c1Filters}, k=${D.c1K}, relu) -> GlobalAveragePooling1D -> ` +
      `Dense(${D.dOut}, softmax) on [${c1In}]`, n => seq(n, [
    L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, activation: 'relu', inputShape: c1In, name: 'conv1d'}),
    L.globalAveragePooling1d({name: 'gap'}),
    L.dense({units: D.dOut, activation: 'softmax', name: 'dense'}),
  ]));
  add('global_avg_pool2d', `Conv2D(${D.c2Filters}, k=${k2}, relu) -> GlobalAveragePooling2D -> ` +
      `Dense(${D.dOut}) on [${c2In}]`, n => seq(n, [
    L.conv2d({filters: D.c2Filters, kernelSize: k2, activation: 'relu', inputShape: c2In, name: 'conv2d'}),
    L.globalAveragePooling2d({name: 'gap'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]));
  add('flatten_conv2d_dense', `Conv2D(${D.c2Filters}, k=${k2}, strides 2x2, relu) -> Flatten -> ` +
      `Dense(${D.dOut}) on [${c2In}]`, n => seq(n, [
    L.conv2d({filters: D.c2Filters, kernelSize: k2, strides: 2, activation: 'relu', inputShape: c2In,
      name: 'conv2d'}),
    L.flatten({name: 'flatten'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]));
  const rsT = 4, rsC = Math.max(2, Math.ceil(D.dHidden / 4));
  add('reshape_dense_conv1d', `Dense(${rsT * rsC}, relu) -> Reshape([${rsT}, ${rsC}]) -> Conv1D(${D.c1Filters}, ` +
      `k=2) -> Flatten -> Dense(${D.dOut}) on [${D.dIn}]`, n => seq(n, [
    L.dense({units: rsT * rsC, activation: 'relu', inputShape: [D.dIn], name: 'dense_1'}),
    L.reshape({targetShape: [rsT, rsC], name: 'reshape'}),
    L.conv1d({filters: D.c1Filters, kernelSize: 2, name: 'conv1d'}),
    L.flatten({name: 'flatten'}),
    L.dense({units: D.dOut, name: 'dense_2'}),
  ]));
  add('reshape_input_flat', `Reshape([T*F]) of a [${D.seqT}, ${D.seqF}] input -> Dense(${D.dOut}, tanh)`,
      n => seq(n, [
        L.reshape({targetShape: [D.seqT * D.seqF], inputShape: [D.seqT, D.seqF], name: 'reshape'}),
        L.dense({units: D.dOut, activation: 'tanh', name: 'dense'}),
      ]));
  add('dropout_dense', `Dense(${D.dHidden}, relu) -> Dropout(0.5) -> Dense(${D.dOut}) (dropout is an ` +
      'inference-time no-op)', n => seq(n, [
    L.dense({units: D.dHidden, activation: 'relu', inputShape: [D.dIn], name: 'dense_1'}),
    L.dropout({rate: 0.5, seed: 1, name: 'dropout'}),
    L.dense({units: D.dOut, name: 'dense_2'}),
  ]));
  add('batchnorm_dense', `Dense(${D.dHidden}) -> BatchNormalization -> Activation(relu) -> Dense(${D.dOut})`,
      n => seq(n, [
        L.dense({units: D.dHidden, inputShape: [D.dIn], name: 'dense_1'}),
        L.batchNormalization({name: 'bn'}),
        L.activation({activation: 'relu', name: 'relu'}),
        L.dense({units: D.dOut, name: 'dense_2'}),
      ]));
  add('batchnorm_conv1d', `Conv1D(${D.c1Filters}, k=${D.c1K}, no bias) -> BatchNormalization(epsilon 0.01) -> ` +
      `ReLU on [${c1In}]`, n => seq(n, [
    L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, useBias: false, inputShape: c1In, name: 'conv1d'}),
    L.batchNormalization({epsilon: 0.01, name: 'bn'}),
    L.reLU({name: 're_lu'}),
  ]));
  add('batchnorm_conv2d', `Conv2D(${D.c2Filters}, k=${k2}, same) -> BatchNormalization -> MaxPooling2D(2) on ` +
      `[${c2In}]`, n => seq(n, [
    L.conv2d({filters: D.c2Filters, kernelSize: k2, padding: 'same', inputShape: c2In, name: 'conv2d'}),
    L.batchNormalization({name: 'bn'}),
    L.maxPooling2d({poolSize: 2, name: 'pool'}),
  ]));
  add('batchnorm_input', `BatchNormalization directly on the input [${D.dIn}] -> Dense(${D.dOut})`, n => seq(n, [
    L.batchNormalization({inputShape: [D.dIn], name: 'bn'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]));

  // --- Functional graphs --------------------------------------------------------------------------------
  add('functional_add', `input [${D.dIn}] -> {Dense(${D.dHidden}, relu), Dense(${D.dHidden}, tanh)} -> Add -> ` +
      `Dense(${D.dOut}, softmax)`, n => {
    const x = tf.input({shape: [D.dIn], name: 'x'});
    const a = L.dense({units: D.dHidden, activation: 'relu', name: 'branch_a'}).apply(x);
    const b = L.dense({units: D.dHidden, activation: 'tanh', name: 'branch_b'}).apply(x);
    const s = L.add({name: 'add'}).apply([a, b]);
    const y = L.dense({units: D.dOut, activation: 'softmax', name: 'head'}).apply(s);
    return tf.model({inputs: x, outputs: y, name: n});
  });
  add('functional_concat_conv1d', `input [${c1In}] -> {Conv1D(k=${D.c1K}, same, relu), Conv1D(k=${D.c1KOdd}, ` +
      `same, tanh)} -> Concatenate(-1) -> GlobalAveragePooling1D -> Dense(${D.dOut})`, n => {
    const x = tf.input({shape: c1In, name: 'x'});
    const a = L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, padding: 'same', activation: 'relu',
      name: 'branch_a'}).apply(x);
    const b = L.conv1d({filters: Math.max(2, D.c1Filters >> 1), kernelSize: D.c1KOdd, padding: 'same',
      activation: 'tanh', name: 'branch_b'}).apply(x);
    const c = L.concatenate({axis: -1, name: 'concat'}).apply([a, b]);
    const g = L.globalAveragePooling1d({name: 'gap'}).apply(c);
    const y = L.dense({units: D.dOut, name: 'head'}).apply(g);
    return tf.model({inputs: x, outputs: y, name: n});
  });
  add('functional_resblock_conv1d', `residual block on [${c1In}]: Conv1D(same, relu) -> Conv1D(same) -> ` +
      'BatchNormalization, Add with a 1x1 Conv1D projection of the input, ReLU, GlobalAveragePooling1D, Dense',
  n => {
    const x = tf.input({shape: c1In, name: 'x'});
    let h = L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, padding: 'same', activation: 'relu',
      name: 'conv_a'}).apply(x);
    h = L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, padding: 'same', name: 'conv_b'}).apply(h);
    h = L.batchNormalization({name: 'bn'}).apply(h);
    const p = L.conv1d({filters: D.c1Filters, kernelSize: 1, name: 'proj'}).apply(x);
    let s = L.add({name: 'add'}).apply([h, p]);
    s = L.activation({activation: 'relu', name: 'relu'}).apply(s);
    const g = L.globalAveragePooling1d({name: 'gap'}).apply(s);
    const y = L.dense({units: D.dOut, name: 'head'}).apply(g);
    return tf.model({inputs: x, outputs: y, name: n});
  });
  const fb = Math.max(2, D.dIn - 3);
  add('functional_two_inputs_concat', `two inputs a [${D.dIn}] and b [${fb}] -> Concatenate -> ` +
      `Dense(${D.dHidden}, relu) -> Dense(${D.dOut}); inputs in input_0.npy, input_1.npy`, n => {
    const a = tf.input({shape: [D.dIn], name: 'in_a'});
    const b = tf.input({shape: [fb], name: 'in_b'});
    const c = L.concatenate({name: 'concat'}).apply([a, b]);
    const h = L.dense({units: D.dHidden, activation: 'relu', name: 'dense_1'}).apply(c);
    const y = L.dense({units: D.dOut, name: 'dense_2'}).apply(h);
    return tf.model({inputs: [a, b], outputs: y, name: n});
  });
  add('functional_two_inputs_add_seq', `two sequence inputs a, b [${D.rT}, ${D.rF}]: LSTM(${D.rUnits}) of ` +
      `Add(a, b) and GRU(${D.rUnits2}) of b -> Concatenate -> Dense(${D.dOut}); inputs in input_0.npy, input_1.npy`,
  n => {
    const a = tf.input({shape: [D.rT, D.rF], name: 'in_a'});
    const b = tf.input({shape: [D.rT, D.rF], name: 'in_b'});
    const s = L.add({name: 'add'}).apply([a, b]);
    const h1 = L.lstm({units: D.rUnits, name: 'lstm'}).apply(s);
    const h2 = L.gru({units: D.rUnits2, name: 'gru'}).apply(b);
    const c = L.concatenate({name: 'concat'}).apply([h1, h2]);
    const y = L.dense({units: D.dOut, name: 'head'}).apply(c);
    return tf.model({inputs: [a, b], outputs: y, name: n});
  });

  // --- Recurrent layers ---------------------------------------------------------------------------------
  const rIn = [D.rT, D.rF];
  const rnnFixture = (kind, name, desc, args, head = true) => {
    const ctor = {simple_rnn: L.simpleRNN, lstm: L.lstm, gru: L.gru}[kind];
    add(name, `${desc} on [${rIn}]` + (head && !args.returnSequences ? ` -> Dense(${D.dOut})` : ''), n => {
      const ls = [ctor(Object.assign({units: D.rUnits, inputShape: rIn, name: kind}, args))];
      if (head && !args.returnSequences) ls.push(L.dense({units: D.dOut, name: 'dense'}));
      return seq(n, ls);
    });
  };
  const u = D.rUnits;
  rnnFixture('simple_rnn', 'simplernn_tanh_last', `SimpleRNN(${u}, tanh)`, {});
  rnnFixture('simple_rnn', 'simplernn_relu_seq', `SimpleRNN(${u}, relu, returnSequences)`,
      {activation: 'relu', returnSequences: true});
  rnnFixture('simple_rnn', 'simplernn_tanh_backwards_last', `SimpleRNN(${u}, tanh, goBackwards)`,
      {goBackwards: true});
  rnnFixture('simple_rnn', 'simplernn_tanh_backwards_seq', `SimpleRNN(${u}, tanh, goBackwards, returnSequences)` +
      ' (output sequence in processing = reversed order)', {goBackwards: true, returnSequences: true});
  rnnFixture('simple_rnn', 'simplernn_nobias', `SimpleRNN(${u}, tanh, useBias false)`, {useBias: false});

  for (const kind of ['lstm', 'gru']) {
    const K = kind.toUpperCase();
    rnnFixture(kind, `${kind}_default_last`, `${K}(${u}) TF.js defaults (tanh, recurrent hard_sigmoid)`, {});
    rnnFixture(kind, `${kind}_default_seq`, `${K}(${u}) defaults, returnSequences`, {returnSequences: true});
    rnnFixture(kind, `${kind}_backwards_last`, `${K}(${u}) defaults, goBackwards`, {goBackwards: true});
    rnnFixture(kind, `${kind}_backwards_seq`, `${K}(${u}) defaults, goBackwards, returnSequences`,
        {goBackwards: true, returnSequences: true});
    rnnFixture(kind, `${kind}_sigmoid_recurrent`, `${K}(${u}, recurrentActivation sigmoid)`,
        {recurrentActivation: 'sigmoid'});
    rnnFixture(kind, `${kind}_relu_activation`, `${K}(${u}, activation relu, recurrentActivation hard_sigmoid)`,
        {activation: 'relu'});
    rnnFixture(kind, `${kind}_sigmoid_relu_seq`, `${K}(${u}, activation relu, recurrentActivation sigmoid, ` +
        'returnSequences)', {activation: 'relu', recurrentActivation: 'sigmoid', returnSequences: true});
    rnnFixture(kind, `${kind}_no_bias`, `${K}(${u}, useBias false)`, {useBias: false});
  }
  rnnFixture('lstm', 'lstm_unit_forget_bias', `LSTM(${u}, unitForgetBias true; biases then overwritten with ` +
      'random values, the flag only changes the initializer)', {unitForgetBias: true});
  add('gru_stacked', `GRU(${D.rUnits}, returnSequences) -> GRU(${D.rUnits2}) -> Dense(${D.dOut}) on [${rIn}], ` +
      'TF.js defaults (hard_sigmoid)', n => seq(n, [
    L.gru({units: D.rUnits, returnSequences: true, inputShape: rIn, name: 'gru_1'}),
    L.gru({units: D.rUnits2, name: 'gru_2'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]));
  add('lstm_stacked_seq', `LSTM(${D.rUnits}, returnSequences) -> LSTM(${D.rUnits2}, returnSequences) -> ` +
      `Dense(${D.dOut}) per step on [${rIn}]`, n => seq(n, [
    L.lstm({units: D.rUnits, returnSequences: true, inputShape: rIn, name: 'lstm_1'}),
    L.lstm({units: D.rUnits2, returnSequences: true, name: 'lstm_2'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]));

  // --- "Unseen" models (other widths and lengths) -------------------------------------------------------
  add(`unseen_gru_${D.uF}in_${D.uUnits}u_t${D.uTShort}`, `GRU(${D.uUnits}) -> Dense(${D.dOut}, softmax) on ` +
      `[T=${D.uTShort}, F=${D.uF}]`, n => seq(n, [
    L.gru({units: D.uUnits, inputShape: [D.uTShort, D.uF], name: 'gru'}),
    L.dense({units: D.dOut, activation: 'softmax', name: 'dense'}),
  ]));
  addActivationFixtures(L, D, add, seq, scaleKernel);
  add(`unseen_lstm_${D.uF}in_${D.uUnits}u_t${D.uTLong}`, `LSTM(${D.uUnits}) -> Dense(${D.dOut}) on ` +
      `[T=${D.uTLong}, F=${D.uF}] (long sequence)`, n => seq(n, [
    L.lstm({units: D.uUnits, inputShape: [D.uTLong, D.uF], name: 'lstm'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]), {inputStd: 0.5});
  add(`unseen_stacked_gru_hard_sigmoid_t${D.uTShort}`, `GRU(${D.uUnits}, returnSequences) -> GRU(${D.uUnits2}) ` +
      `-> Dense(${D.dOut}) on [T=${D.uTShort}, F=${D.uF}], TF.js default recurrentActivation hard_sigmoid`,
  n => seq(n, [
    L.gru({units: D.uUnits, returnSequences: true, inputShape: [D.uTShort, D.uF], name: 'gru_1'}),
    L.gru({units: D.uUnits2, name: 'gru_2'}),
    L.dense({units: D.dOut, name: 'dense'}),
  ]));
  add(`unseen_conv1d_pool_lstm_t${D.ucT}`, `Conv1D(${D.ucFilters}, k=${D.ucK}, relu) -> MaxPooling1D(2) -> ` +
      `LSTM(${D.ucUnits}) -> Dense(${D.dOut}, softmax) on [T=${D.ucT}, F=${D.ucC}]`, n => seq(n, [
    L.conv1d({filters: D.ucFilters, kernelSize: D.ucK, activation: 'relu', inputShape: [D.ucT, D.ucC],
      name: 'conv1d'}),
    L.maxPooling1d({poolSize: 2, name: 'pool'}),
    L.lstm({units: D.ucUnits, name: 'lstm'}),
    L.dense({units: D.dOut, activation: 'softmax', name: 'dense'}),
  ]));
  elementwiseFixtures(tf, D, add);
  addDepthwiseFixtures(add, seq, L, D);

  // --- Data-movement layers and transposed convolutions (lib/shape-fixtures.js) ------------------------
  addShapeFixtures(L, add, seq);
  addRnnFixtures(L, D, add, seq);
  addNormFixtures(add, seq, L);
  F.push(...multiIoFixtures(tf, D));
  return F;
}

function sameFloats(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    out: path.join(__dirname, '..', 'ir', 'src', 'test', 'resources', 'tfjs'), seed: '', only: '',
  });
  const seed = args.seed === '' ? null : Number(args.seed);
  if (seed !== null && !(Number.isInteger(seed) && seed >= 0)) throw new Error(`--seed ${args.seed}: not an integer`);
  const baseSeed = seed === null ? 1 : seed;
  tf = await initTf(baseSeed);
  const out = path.resolve(args.out);
  fs.mkdirSync(out, {recursive: true});
  const D = makeDims(seed);
  let fixtures = buildFixtures(D);
  fixtures.forEach((f, k) => { f.layout = LAYOUTS[k % LAYOUTS.length]; });
  const names = new Set();
  for (const f of fixtures) {
    if (names.has(f.name)) throw new Error(`duplicate fixture name ${f.name}`);
    names.add(f.name);
  }
  if (args.only) fixtures = fixtures.filter(f => args.only.split(',').includes(f.name));

  const indexFile = path.join(out, 'fixtures.json');
  const old = fs.existsSync(indexFile) ? JSON.parse(fs.readFileSync(indexFile, 'utf8')) : {fixtures: []};
  // Remove folders we made last time that are no longer produced (e.g. names that depend on the dims).
  if (!args.only) {
    for (const e of old.fixtures || []) {
      if (e.generator === 'examples/gen-fixtures.js' && !names.has(e.name)) {
        fs.rmSync(path.join(out, e.refused ? 'refused' : '', e.name), {recursive: true, force: true});
      }
    }
  }
  const entries = [];
  for (const f of fixtures) {
    const layout = f.layout;
    const model = f.build(f.name);
    const rng = new Rng((hashName(f.name) ^ Math.imul(baseSeed, 0x9E3779B1)) >>> 0);
    seedWeights(model, rng, 'fixture');
    if (f.post) f.post(model);
    // Models mcugen refuses (f.refused: the MCG_ key it reports) go to refused/, out of the folders every
    // importer, interpreter and verify test runs over; their entries record the key.
    const dir = path.join(out, f.refused ? 'refused' : '', f.name);
    fs.rmSync(path.join(out, f.name), {recursive: true, force: true});
    fs.rmSync(path.join(out, 'refused', f.name), {recursive: true, force: true});
    fs.mkdirSync(dir, {recursive: true});
    // inputs ~ N(0, 1) (std inputStd), one file per model input
    const inputs = model.inputs.map(inp => {
      const shape = [D.batch, ...inp.shape.slice(1)];
      const n = shape.reduce((a, b) => a * b, 1);
      const std = f.inputStds ? f.inputStds[model.inputs.indexOf(inp)] : f.inputStd || 1;
      const values = f.inputFill ? f.inputFill(rng, n) : rng.fill(n, r => r.normal(0, std));
      return tf.tensor(values, shape, 'float32');
    });
    const inputFiles = inputs.length === 1 ? ['input.npy'] : inputs.map((_, k) => `input_${k}.npy`);
    inputs.forEach((t, k) => writeTensorNpy(path.join(dir, inputFiles[k]), t));
    // One output: expected.npy; several: expected_0.npy, expected_1.npy, ... in the model's output order.
    const predOut = model.predict(inputs.length === 1 ? inputs[0] : inputs);
    const preds = Array.isArray(predOut) ? predOut : [predOut];
    const expectedFiles = preds.length === 1 ? ['expected.npy'] : preds.map((_, k) => `expected_${k}.npy`);
    preds.forEach((t, k) => writeTensorNpy(path.join(dir, expectedFiles[k]), t));
    const pred = preds[0];
    const info = await saveModel(model, dir, layout);
    // Round trip: the folder must load back into TF.js and give exactly the same output.
    const back = await loadModel(dir);
    const pred2Out = back.predict(inputs.length === 1 ? inputs[0] : inputs);
    const preds2 = Array.isArray(pred2Out) ? pred2Out : [pred2Out];
    preds.forEach((t, k) => {
      if (!sameFloats(t.dataSync(), preds2[k].dataSync())) throw new Error(`${f.name}: reloaded model differs`);
      for (const v of t.dataSync()) if (!Number.isFinite(v)) throw new Error(`${f.name}: non-finite output`);
    });
    entries.push({
      name: f.name,
      description: f.description,
      generator: 'examples/gen-fixtures.js',
      golden: 'TF.js 4.22.0 model.predict (cpu backend)',
      inputs: inputFiles,
      inputShapes: inputs.map(t => t.shape),
      expected: preds.length === 1 ? 'expected.npy' : expectedFiles,
      ...(preds.length === 1 ? {expectedShape: pred.shape} : {expectedShapes: preds.map(t => t.shape)}),
      weightGroups: info.groups,
      weightShards: info.shards.length,
      shardSizeBytes: layout.shardSizeBytes,
      grouping: layout.grouping,
      ...(f.refused ? {refused: f.refused} : {}),
    });
    console.log(`${f.name.padEnd(44)} in ${JSON.stringify(inputs.map(t => t.shape.slice(1)))} -> ` +
        `${JSON.stringify(preds.map(t => t.shape.slice(1)))}  ${info.groups} group(s), ${info.shards.length} shard(s)`);
    tf.dispose([...inputs, ...preds, ...preds2]);
    model.dispose();
    back.dispose();
  }

  // Keep entries of fixtures made by other generators (e.g. torch-gru-reset-after.py) whose folders exist.
  const foreign = (old.fixtures || []).filter(e => e.generator !== 'examples/gen-fixtures.js' &&
      fs.existsSync(path.join(out, e.name)));
  const kept = args.only ? (old.fixtures || []).filter(e => e.generator === 'examples/gen-fixtures.js' &&
      !entries.some(x => x.name === e.name)) : [];
  const all = [...kept, ...entries].sort((a, b) => a.name.localeCompare(b.name));
  const index = {
    comment: 'Framework-made goldens for the TF.js importer and float interpreter. Regenerate with ' +
        '`node examples/gen-fixtures.js` (TF.js fixtures) and `/usr/bin/python3 examples/torch-gru-reset-after.py` ' +
        '(Keras GRU reset_after=true fixtures computed by PyTorch).',
    seed,
    dims: D,
    fixtures: [...all, ...foreign.sort((a, b) => a.name.localeCompare(b.name))],
  };
  fs.writeFileSync(indexFile, JSON.stringify(index, null, 1) + '\n');
  console.log(`${entries.length} fixtures written to ${out}${seed === null ? '' : ` (seed ${seed})`}`);
}

main().catch(e => {
  console.error(`gen-fixtures.js: ${e.stack}`);
  process.exit(1);
});
