'use strict';
// Saves a tf.LayersModel into a folder in the layout tensorflowjs_converter writes:
//   model.json = {"format":"layers-model","generatedBy":...,"convertedBy":...,"modelTopology":{...},
//                 "weightsManifest":[{"paths":["group1-shard1of2.bin",...],"weights":[{name,shape,dtype}...]}, ...]}
// plus the binary shards. Weights of a group are concatenated (float32 little-endian) in manifest order and
// the group's bytes are split into shards of at most `shardSizeBytes` bytes (the converter's
// --weight_shard_size_bytes). Groups: 'single' (one group, the converter's default), 'layer' (one group per
// layer, the first path component of the weight name), or a function (spec, index) -> group key.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

/** Deterministic JSON: object keys are written in insertion order, which we control (no Date, no Map). */
function stableStringify(obj) {
  return JSON.stringify(obj);
}

function concatBuffers(weightData) {
  if (weightData instanceof ArrayBuffer) return Buffer.from(weightData);
  if (Array.isArray(weightData)) return Buffer.concat(weightData.map(b => Buffer.from(b)));
  throw new Error('unexpected weightData type');
}

function groupKeyFn(grouping) {
  if (typeof grouping === 'function') return grouping;
  if (grouping === 'single' || grouping == null) return () => 0;
  if (grouping === 'layer') return spec => spec.name.split('/')[0];
  if (grouping === 'weight') return (spec, i) => i;
  throw new Error(`unknown grouping ${grouping}`);
}

/**
 * Builds the files without writing them: returns {modelJson: string, files: {name: Buffer}}.
 * options: shardSizeBytes (default 4096), grouping ('single' | 'layer' | 'weight' | fn),
 *          generatedBy / convertedBy (default: what TF.js reports), modelJsonName.
 */
async function serialize(model, options = {}) {
  const shardSize = options.shardSizeBytes == null ? 4096 : options.shardSizeBytes;
  if (!(shardSize > 0) || shardSize % 4 !== 0) throw new Error('shardSizeBytes must be a positive multiple of 4');
  let artifacts = null;
  await model.save(tf.io.withSaveHandler(async a => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(0), modelTopologyType: 'JSON'}};
  }));
  const data = concatBuffers(artifacts.weightData);
  // Slice each weight's bytes out of the concatenated buffer (TF.js writes specs in order).
  let off = 0;
  const weights = artifacts.weightSpecs.map((spec, i) => {
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: dtype ${spec.dtype} not supported`);
    const n = spec.shape.reduce((a, b) => a * b, 1) * 4;
    const bytes = data.subarray(off, off + n);
    off += n;
    return {spec: {name: spec.name, shape: spec.shape.slice(), dtype: spec.dtype}, bytes, index: i};
  });
  if (off !== data.length) throw new Error(`weight data length ${data.length} != specs ${off}`);

  const keyOf = groupKeyFn(options.grouping);
  const groups = [];
  const byKey = new Map();
  for (const w of weights) {
    const k = keyOf(w.spec, w.index);
    if (!byKey.has(k)) {
      const g = {weights: []};
      byKey.set(k, g);
      groups.push(g);
    }
    byKey.get(k).weights.push(w);
  }
  const files = {};
  const manifest = groups.map((g, gi) => {
    const bytes = Buffer.concat(g.weights.map(w => w.bytes));
    const nShards = Math.max(1, Math.ceil(bytes.length / shardSize));
    const paths = [];
    for (let s = 0; s < nShards; s++) {
      const name = `group${gi + 1}-shard${s + 1}of${nShards}.bin`;
      paths.push(name);
      files[name] = bytes.subarray(s * shardSize, Math.min(bytes.length, (s + 1) * shardSize));
    }
    return {paths, weights: g.weights.map(w => w.spec)};
  });
  const json = {
    format: artifacts.format || 'layers-model',
    generatedBy: options.generatedBy !== undefined ? options.generatedBy : (artifacts.generatedBy || null),
    convertedBy: options.convertedBy !== undefined ? options.convertedBy : (artifacts.convertedBy || null),
    modelTopology: artifacts.modelTopology,
    weightsManifest: manifest,
  };
  if (artifacts.trainingConfig != null) json.trainingConfig = artifacts.trainingConfig;
  return {modelJson: stableStringify(json), files};
}

/** Writes model.json and the shards into `dir` (created; stale *.bin / model.json there are removed first). */
async function saveModel(model, dir, options = {}) {
  const {modelJson, files} = await serialize(model, options);
  fs.mkdirSync(dir, {recursive: true});
  for (const f of fs.readdirSync(dir)) {
    if (/^group\d+-shard\d+of\d+\.bin$/.test(f) || f === 'model.json') fs.unlinkSync(path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, options.modelJsonName || 'model.json'), modelJson + '\n');
  for (const [name, buf] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), buf);
  return {
    shards: Object.keys(files),
    groups: JSON.parse(modelJson).weightsManifest.length,
    bytes: Object.values(files).reduce((a, b) => a + b.length, 0),
  };
}

/** Loads a folder written by saveModel (or by tensorflowjs_converter) back into a tf.LayersModel. */
async function loadModel(dir) {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const specs = [];
  const bufs = [];
  for (const g of json.weightsManifest) {
    for (const p of g.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
    specs.push(...g.weights);
  }
  const all = Buffer.concat(bufs);
  const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  return tf.loadLayersModel(tf.io.fromMemory({modelTopology: json.modelTopology, weightSpecs: specs, weightData: ab}));
}

module.exports = {serialize, saveModel, loadModel};
