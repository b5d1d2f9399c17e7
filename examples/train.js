'use strict';
// Trains the four example models of mcugen on seeded synthetic data with TensorFlow.js 4.22.0 (pure-JS cpu
// backend) and writes, per model folder: model.json + weight shards (tensorflowjs_converter layout),
// calibration.npy, test.npy, expected.npy (TF.js model.predict on test.npy), labels.npy, README.md.
//
//   node train.js [--only har_lstm|kws_gru|gesture_conv1d|stacked_rnn] [--out DIR]
//   node train.js --data-only [--only ...] --out DIR   (no training: DIR/NAME/train.npy, train_labels.npy, test.npy,
//                                                        labels.npy, the same seeded data, for examples/qat/)
//
// Everything is seeded (data, weight init, batch order, dropout), so re-running gives byte-identical files.
const fs = require('fs');
const path = require('path');
const {initTf, seedWeights, parseArgs, Rng} = require('./lib/common');
const {writeNpy, writeTensorNpy} = require('./lib/npy');
const {saveModel} = require('./lib/save');

let tf;

// ---------------------------------------------------------------------------------------------------------
// Small helpers

/** Rotates vector v (3) by small random angles (orientation jitter): returns a 3x3 rotation matrix. */
function randomRotation(rng, maxRad) {
  const a = rng.uniform(-maxRad, maxRad);
  const b = rng.uniform(-maxRad, maxRad);
  const c = rng.uniform(-maxRad, maxRad);
  const rx = [[1, 0, 0], [0, Math.cos(a), -Math.sin(a)], [0, Math.sin(a), Math.cos(a)]];
  const ry = [[Math.cos(b), 0, Math.sin(b)], [0, 1, 0], [-Math.sin(b), 0, Math.cos(b)]];
  const rz = [[Math.cos(c), -Math.sin(c), 0], [Math.sin(c), Math.cos(c), 0], [0, 0, 1]];
  return matMul3(rz, matMul3(ry, rx));
}

function matMul3(a, b) {
  const r = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) r[i][j] += a[i][k] * b[k][j];
    }
  }
  return r;
}

function rotate(m, v) {
  return [0, 1, 2].map(i => m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]);
}

/** Builds a dataset: `gen(rng, cls)` returns Float32Array(T*F). Classes are balanced and interleaved. */
function makeDataset(n, numClasses, T, F, seed, gen) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * T * F);
  const y = new Int32Array(n);
  const order = rng.shuffle(Array.from({length: n}, (_, i) => i % numClasses));
  for (let i = 0; i < n; i++) {
    const s = gen(rng, order[i]);
    if (s.length !== T * F) throw new Error('generator returned wrong length');
    x.set(s, i * T * F);
    y[i] = order[i];
  }
  return {x, y, n, T, F};
}

// ---------------------------------------------------------------------------------------------------------
// 1. Human activity recognition: 3-axis accelerometer, 25 Hz, 2 s windows (T=50, F=3), in g.
const HAR_CLASSES = ['idle', 'walking', 'running', 'stairs'];

function harSample(rng, cls) {
  const T = 50, fs = 25;
  const out = new Float32Array(T * 3);
  // Device orientation: gravity mostly on -z (phone lying in a pocket), jittered by up to ~25 degrees.
  const rot = randomRotation(rng, 0.45);
  const g = rotate(rot, [0, 0, -1]);
  const phase = rng.uniform(0, 2 * Math.PI);
  let f, amp, h2, h3, fwd, noise;
  switch (cls) {
    case 0: // idle: standing / sitting, tiny sway
      f = rng.uniform(0.2, 0.6); amp = rng.uniform(0.0, 0.05); h2 = 0; h3 = 0; fwd = 0.01; noise = 0.02;
      break;
    case 1: // walking: ~2 Hz step frequency, moderate vertical bounce, forward sway
      f = rng.uniform(1.6, 2.2); amp = rng.uniform(0.25, 0.45); h2 = rng.uniform(0.2, 0.35);
      h3 = rng.uniform(0.0, 0.05); fwd = rng.uniform(0.12, 0.2); noise = 0.05;
      break;
    case 2: // running: ~2.7 Hz, large impacts, strong harmonics
      f = rng.uniform(2.5, 3.2); amp = rng.uniform(0.8, 1.3); h2 = rng.uniform(0.35, 0.55);
      h3 = rng.uniform(0.15, 0.25); fwd = rng.uniform(0.25, 0.4); noise = 0.08;
      break;
    default: // stairs: slower cadence, asymmetric vertical push (strong 3rd harmonic), more forward motion
      f = rng.uniform(1.3, 1.75); amp = rng.uniform(0.35, 0.55); h2 = rng.uniform(0.05, 0.15);
      h3 = rng.uniform(0.3, 0.45); fwd = rng.uniform(0.25, 0.35); noise = 0.05;
      break;
  }
  const latPhase = rng.uniform(0, 2 * Math.PI);
  for (let t = 0; t < T; t++) {
    const w = 2 * Math.PI * f * t / fs + phase;
    const vert = amp * (Math.sin(w) + h2 * Math.sin(2 * w + 0.7) + h3 * Math.sin(3 * w + 1.3));
    const forward = fwd * Math.sin(w + 1.0) + (cls === 3 ? 0.1 * amp : 0);
    const lateral = 0.5 * fwd * Math.sin(0.5 * w + latPhase);
    // body frame: x forward, y lateral, z vertical; rotate into the device frame
    const body = rotate(rot, [forward, lateral, vert]);
    for (let k = 0; k < 3; k++) out[t * 3 + k] = g[k] + body[k] + rng.normal(0, noise);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Keyword spotting on MFCC-like frames (T=30 frames, F=13 coefficients).
const KWS_CLASSES = ['silence', 'yes', 'no', 'up', 'down'];

function kwsTemplates() {
  // A fixed inventory of 6 "phoneme" envelopes (own seed, never changes); the words share phonemes, so only
  // their order and one segment tell some of them apart (no vs down, up vs down).
  const rng = new Rng(777);
  const phonemes = [];
  for (let s = 0; s < 6; s++) {
    const v = new Float32Array(13);
    // smooth spectral envelope: a few cosine components, c0 (energy) positive for speech
    const a1 = rng.normal(0, 1), a2 = rng.normal(0, 1), a3 = rng.normal(0, 0.6);
    for (let k = 0; k < 13; k++) {
      v[k] = (k === 0 ? 2.0 : 0) + a1 * Math.cos(Math.PI * k / 6) * (1 - k / 16) +
          a2 * Math.cos(Math.PI * k / 3) * (1 - k / 16) + a3 * Math.cos(Math.PI * k / 2) * 0.5;
    }
    phonemes.push(v);
  }
  const words = [null, [0, 1, 2], [3, 4, 1], [4, 2, 5], [3, 4, 5]];
  const templates = words.map(w => (w ? w.map(i => phonemes[i]) : null));
  const background = new Float32Array(13);
  for (let k = 0; k < 13; k++) background[k] = k === 0 ? -1.5 : 0.2 * rng.normal(0, 1);
  return {templates, background};
}
const KWS_T = kwsTemplates();

function kwsSample(rng, cls) {
  const T = 30, F = 13;
  const out = new Float32Array(T * F);
  const {templates, background} = KWS_T;
  const gain = rng.uniform(0.5, 1.3);
  const noise = rng.uniform(0.8, 1.2);
  // word: 3 segments of 4..8 frames each, starting at a random shift; silence class: background only
  const onset = rng.intIn(0, 10);
  const lens = [rng.intIn(4, 8), rng.intIn(4, 8), rng.intIn(4, 8)];
  const tilt = rng.normal(0, 0.3); // channel / speaker variation on the spectral slope
  for (let t = 0; t < T; t++) {
    let frame = background;
    let mix = 0;
    if (cls !== 0) {
      let pos = t - onset;
      for (let s = 0; s < 3 && pos >= 0; s++) {
        if (pos < lens[s]) {
          // inside segment s: blend towards the next segment at its end (co-articulation)
          const a = templates[cls][s];
          const b = s < 2 ? templates[cls][s + 1] : background;
          const u = pos / lens[s];
          const blend = u > 0.5 ? (u - 0.5) / 0.5 * 0.5 : 0;
          frame = a.map((val, k) => (1 - blend) * val + blend * b[k]);
          mix = 1;
          break;
        }
        pos -= lens[s];
      }
    }
    for (let k = 0; k < F; k++) {
      const val = mix ? gain * frame[k] : frame[k];
      out[t * F + k] = val + tilt * (k / 12 - 0.5) + rng.normal(0, noise);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// 3. Gesture recognition: 6-axis IMU (acc xyz in g, gyro xyz in rad/s / 4), T=64 at 50 Hz.
const GESTURE_CLASSES = ['none', 'swipe_left', 'swipe_right', 'circle', 'shake'];

function gestureSample(rng, cls) {
  const T = 64, F = 6;
  const out = new Float32Array(T * F);
  const rot = randomRotation(rng, 0.6);
  const g = rotate(rot, [0, 0, -1]);
  const center = rng.uniform(16, 48);
  const width = rng.uniform(5, 11);
  const amp = rng.uniform(0.35, 1.2);
  const dir = rng.uniform(0.6, 1.3);
  const accNoise = rng.uniform(0.08, 0.2), gyrNoise = rng.uniform(0.06, 0.15);
  // 'none' windows contain a random small hand movement (a distractor bump in a random direction)
  const bump = [rng.normal(0, 0.25), rng.normal(0, 0.25), rng.normal(0, 0.1)];
  const shakeF = rng.uniform(0.16, 0.28);
  for (let t = 0; t < T; t++) {
    const u = (t - center) / width;
    const env = Math.exp(-0.5 * u * u);
    let acc = [0, 0, 0], gyr = [0, 0, 0];
    switch (cls) {
      case 0: // none: tremor + a small random movement
        acc = [bump[0] * env + 0.05 * Math.sin(0.3 * t + dir), bump[1] * env, bump[2] * env];
        gyr = [0.2 * bump[1] * env, 0.2 * bump[0] * env, 0.3 * bump[2] * env];
        break;
      case 1: // swipe left: -x acceleration then braking (derivative of a Gaussian), yaw rate negative
        acc = [-amp * u * env * 1.6, 0.1 * amp * env, 0];
        gyr = [0, 0, -0.8 * amp * env * dir];
        break;
      case 2: // swipe right
        acc = [amp * u * env * 1.6, -0.1 * amp * env, 0];
        gyr = [0, 0, 0.8 * amp * env * dir];
        break;
      case 3: { // circle: rotating acceleration vector, steady roll rate
        const w = 2 * Math.PI * (t - center) / (4 * width);
        acc = [0.6 * amp * Math.cos(w) * env, 0.6 * amp * Math.sin(w) * env, 0];
        gyr = [0.5 * amp * env, 0, 0.2 * dir * env];
        break;
      }
      default: { // shake: fast oscillation along x
        const w = 2 * Math.PI * (t - center) * shakeF;
        acc = [amp * Math.sin(w) * env, 0.2 * amp * Math.sin(w + 1) * env, 0];
        gyr = [0, 0.6 * amp * Math.cos(w) * env, 0];
        break;
      }
    }
    const a = rotate(rot, acc);
    const r = rotate(rot, gyr);
    for (let k = 0; k < 3; k++) {
      out[t * F + k] = g[k] + a[k] + rng.normal(0, accNoise);
      out[t * F + 3 + k] = r[k] + rng.normal(0, gyrNoise);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// 4. Machine vibration fault classes: 3-axis vibration + motor current, T=40, F=4.
const VIB_CLASSES = ['normal', 'imbalance', 'misalignment', 'bearing_fault'];

function vibSample(rng, cls) {
  const T = 40, F = 4;
  const out = new Float32Array(T * F);
  const f0 = rng.uniform(0.05, 0.08); // shaft rotation, cycles per sample
  const ph = rng.uniform(0, 2 * Math.PI);
  const load = rng.uniform(0.8, 1.2);
  let a1 = 0.3, a2 = 0.08, axial = 0.05, impulses = 0;
  if (cls === 1) { a1 = rng.uniform(0.8, 1.1); }
  if (cls === 2) { a2 = rng.uniform(0.45, 0.7); axial = rng.uniform(0.4, 0.6); }
  if (cls === 3) { impulses = rng.uniform(1.0, 1.5); }
  const bpfo = f0 * rng.uniform(3.4, 3.8); // outer-race defect frequency, non-integer order
  const bpPhase = rng.uniform(0, 1);
  for (let t = 0; t < T; t++) {
    const w = 2 * Math.PI * f0 * t + ph;
    let burst = 0;
    if (impulses > 0) {
      const cyc = (bpfo * t + bpPhase) % 1; // time since the last impact, in defect periods
      burst = impulses * Math.exp(-cyc * 3) * Math.sin(2 * Math.PI * 0.23 * t); // ringing after each impact
    }
    const x = a1 * Math.sin(w) + a2 * Math.sin(2 * w + 0.5) + burst;
    const y = a1 * Math.cos(w) + a2 * Math.cos(2 * w + 0.5) + 0.6 * burst;
    const z = axial * Math.sin(2 * w + 1.1) + 0.1 * a1 * Math.sin(w);
    const cur = load * (1 + 0.1 * Math.sin(w)) + (cls === 1 ? 0.15 * Math.sin(w) : 0);
    out[t * F] = x + rng.normal(0, 0.12);
    out[t * F + 1] = y + rng.normal(0, 0.12);
    out[t * F + 2] = z + rng.normal(0, 0.12);
    out[t * F + 3] = cur + rng.normal(0, 0.05);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Models

const EXAMPLES = [
  {
    name: 'har_lstm', T: 50, F: 3, classes: HAR_CLASSES, gen: harSample, seed: 101,
    nTrain: 1200, epochs: 12, lr: 0.01, batch: 32,
    arch: 'LSTM(32, TF.js defaults: tanh, recurrent hard_sigmoid) -> Dense(4, softmax)',
    task: 'Human-activity recognition from a 3-axis accelerometer (25 Hz, 2 s windows, values in g)',
    build: () => {
      const m = tf.sequential({name: 'har_lstm'});
      m.add(tf.layers.lstm({units: 32, inputShape: [50, 3], name: 'lstm'}));
      m.add(tf.layers.dense({units: 4, activation: 'softmax', name: 'output'}));
      return m;
    },
  },
  {
    name: 'kws_gru', T: 30, F: 13, classes: KWS_CLASSES, gen: kwsSample, seed: 202,
    nTrain: 1200, epochs: 8, lr: 0.01, batch: 32,
    arch: 'GRU(32, TF.js defaults: tanh, recurrent hard_sigmoid, reset_after false) -> Dense(5, softmax)',
    task: 'Keyword spotting on MFCC-like frames (30 frames x 13 coefficients)',
    build: () => {
      const m = tf.sequential({name: 'kws_gru'});
      m.add(tf.layers.gru({units: 32, inputShape: [30, 13], name: 'gru'}));
      m.add(tf.layers.dense({units: 5, activation: 'softmax', name: 'output'}));
      return m;
    },
  },
  {
    name: 'gesture_conv1d', T: 64, F: 6, classes: GESTURE_CLASSES, gen: gestureSample, seed: 303,
    nTrain: 1500, epochs: 10, lr: 0.005, batch: 32,
    arch: 'Conv1D(16, k=5, relu) -> MaxPooling1D(2) -> Conv1D(32, k=3, same, relu) -> GlobalAveragePooling1D -> ' +
        'Dense(16, relu) -> Dropout(0.2) -> Dense(5, softmax)',
    task: 'Gesture recognition from a 6-axis IMU (accelerometer + gyroscope, 64 samples at 50 Hz)',
    build: () => {
      const m = tf.sequential({name: 'gesture_conv1d'});
      m.add(tf.layers.conv1d({filters: 16, kernelSize: 5, activation: 'relu', inputShape: [64, 6], name: 'conv1'}));
      m.add(tf.layers.maxPooling1d({poolSize: 2, name: 'pool1'}));
      m.add(tf.layers.conv1d({filters: 32, kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv2'}));
      m.add(tf.layers.globalAveragePooling1d({name: 'gap'}));
      m.add(tf.layers.dense({units: 16, activation: 'relu', name: 'fc'}));
      m.add(tf.layers.dropout({rate: 0.2, seed: 7, name: 'dropout'}));
      m.add(tf.layers.dense({units: 5, activation: 'softmax', name: 'output'}));
      return m;
    },
  },
  {
    name: 'stacked_rnn', T: 40, F: 4, classes: VIB_CLASSES, gen: vibSample, seed: 404,
    nTrain: 1200, epochs: 12, lr: 0.005, batch: 32,
    arch: 'LSTM(24, returnSequences) -> GRU(16) -> Dense(4, softmax) (TF.js default activations)',
    task: 'Machine-vibration fault classification (3-axis vibration + motor current, 40 samples)',
    build: () => {
      const m = tf.sequential({name: 'stacked_rnn'});
      m.add(tf.layers.lstm({units: 24, returnSequences: true, inputShape: [40, 4], name: 'lstm'}));
      m.add(tf.layers.gru({units: 16, name: 'gru'}));
      m.add(tf.layers.dense({units: 4, activation: 'softmax', name: 'output'}));
      return m;
    },
  },
];

function accuracy(probs, labels, numClasses) {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) {
      if (probs[i * numClasses + k] > probs[i * numClasses + best]) best = k;
    }
    if (best === labels[i]) ok++;
  }
  return ok / labels.length;
}

async function trainOne(ex, outRoot) {
  const t0 = Date.now();
  const {T, F} = ex;
  const K = ex.classes.length;
  const nCal = 200, nTest = 200;
  const train = makeDataset(ex.nTrain, K, T, F, ex.seed, ex.gen);
  const test = makeDataset(nTest, K, T, F, ex.seed + 1, ex.gen);

  const model = ex.build();
  seedWeights(model, new Rng(ex.seed + 2), 'train');
  model.compile({optimizer: tf.train.adam(ex.lr), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});

  const xTrain = tf.tensor3d(train.x, [train.n, T, F]);
  const yTrain = tf.tensor1d(Float32Array.from(train.y));
  const xTest = tf.tensor3d(test.x, [nTest, T, F]);
  const orderRng = new Rng(ex.seed + 3);
  let testAcc = 0;
  for (let epoch = 0; epoch < ex.epochs; epoch++) {
    // our own seeded shuffle (fit's shuffle would use Math.random)
    const perm = tf.tensor1d(orderRng.shuffle(Array.from({length: train.n}, (_, i) => i)), 'int32');
    const xs = tf.gather(xTrain, perm);
    const ys = tf.gather(yTrain, perm);
    const h = await model.fit(xs, ys, {epochs: 1, batchSize: ex.batch, shuffle: false, verbose: 0});
    tf.dispose([perm, xs, ys]);
    const p = model.predict(xTest);
    testAcc = accuracy(p.dataSync(), test.y, K);
    p.dispose();
    console.log(`  ${ex.name} epoch ${epoch + 1}/${ex.epochs}: loss ${h.history.loss[0].toFixed(4)} ` +
        `train acc ${h.history.acc[0].toFixed(3)} test acc ${testAcc.toFixed(3)}`);
  }

  const dir = path.join(outRoot, ex.name);
  fs.mkdirSync(dir, {recursive: true});
  const info = await saveModel(model, dir, {shardSizeBytes: 4096, grouping: 'single'});
  writeNpy(path.join(dir, 'calibration.npy'), train.x.subarray(0, nCal * T * F), [nCal, T, F]);
  writeNpy(path.join(dir, 'test.npy'), test.x, [nTest, T, F]);
  writeNpy(path.join(dir, 'labels.npy'), test.y, [nTest], 'int32');
  const expected = model.predict(xTest);
  writeTensorNpy(path.join(dir, 'expected.npy'), expected);
  const acc = accuracy(expected.dataSync(), test.y, K);
  const params = model.countParams();
  const readme = `# ${ex.name}\n\n${ex.task}. Input float32 [N, T=${T}, F=${F}]; output float32 [N, ${K}] ` +
      `softmax probabilities over the classes ${ex.classes.map((c, i) => `${i} = ${c}`).join(', ')}. ` +
      `Model: ${ex.arch}, ${params} parameters, trained by ` +
      `\`examples/train.js\` with TensorFlow.js 4.22.0 (cpu backend) on ${train.n} seeded synthetic samples for ` +
      `${ex.epochs} epochs. Test accuracy (TF.js float model on test.npy vs labels.npy, ${nTest} held-out ` +
      `samples): **${(100 * acc).toFixed(1)}%**. Files: model.json + ${info.shards.length} weight shards ` +
      `(tensorflowjs_converter layout), calibration.npy [${nCal}, ${T}, ${F}] (training samples), test.npy ` +
      `[${nTest}, ${T}, ${F}], expected.npy [${nTest}, ${K}] (TF.js model.predict on test.npy), ` +
      `labels.npy int32 [${nTest}].\n`;
  fs.writeFileSync(path.join(dir, 'README.md'), readme);
  tf.dispose([xTrain, yTrain, xTest, expected]);
  model.dispose();
  console.log(readme);
  console.log(`  ${ex.name}: test accuracy ${(100 * acc).toFixed(1)}%, ${info.shards.length} shards, ` +
      `${info.bytes} weight bytes, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return acc;
}

/** Writes the training and test data of `ex` (the datasets trainOne makes) without training anything. */
function writeData(ex, outRoot) {
  const {T, F} = ex;
  const K = ex.classes.length;
  const train = makeDataset(ex.nTrain, K, T, F, ex.seed, ex.gen);
  const test = makeDataset(200, K, T, F, ex.seed + 1, ex.gen);
  const dir = path.join(outRoot, ex.name);
  fs.mkdirSync(dir, {recursive: true});
  writeNpy(path.join(dir, 'train.npy'), train.x, [train.n, T, F]);
  writeNpy(path.join(dir, 'train_labels.npy'), train.y, [train.n], 'int32');
  writeNpy(path.join(dir, 'test.npy'), test.x, [test.n, T, F]);
  writeNpy(path.join(dir, 'labels.npy'), test.y, [test.n], 'int32');
  console.log(`${ex.name}: ${dir}/train.npy [${train.n}, ${T}, ${F}], test.npy [${test.n}, ${T}, ${F}]`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {only: '', out: __dirname, 'data-only': false});
  const selected = EXAMPLES.filter(e => !args.only || args.only.split(',').includes(e.name));
  if (selected.length === 0) throw new Error(`--only ${args.only}: no such example`);
  if (args['data-only']) {
    if (path.resolve(args.out) === path.resolve(__dirname)) throw new Error('--data-only needs --out DIR');
    for (const ex of selected) writeData(ex, path.resolve(args.out));
    return;
  }
  tf = await initTf(2024);
  const results = {};
  for (const ex of selected) results[ex.name] = await trainOne(ex, path.resolve(args.out));
  for (const [k, v] of Object.entries(results)) console.log(`${k}: test accuracy ${(100 * v).toFixed(1)}%`);
}

main().catch(e => {
  console.error(`train.js: ${e.message}`);
  process.exit(1);
});
