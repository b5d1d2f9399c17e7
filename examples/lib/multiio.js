'use strict';
// Fixtures with several inputs and several outputs (Keras functional models), for gen-fixtures.js.
//
// Each builder returns {name, description, build, inputStds}: build(name) makes the model (weights are
// seeded by gen-fixtures.js), inputStds gives each input's standard deviation so inputs with different
// ranges meet in one layer. gen-fixtures.js writes input_<k>.npy per input and, for a model with several
// outputs, expected_<k>.npy per output (model.predict, in the model's output order).

/**
 * @param tf the TF.js module
 * @param D  the dimensions of gen-fixtures.js (fixed defaults, or drawn from --seed)
 */
function multiIoFixtures(tf, D) {
  const L = tf.layers;
  const F = [];
  const side = Math.max(2, D.dIn - 2);
  F.push({
    name: 'multiio_two_heads',
    description: `two inputs: sequence [${D.rT}, ${D.rF}] -> LSTM(${D.rUnits}, sigmoid gates; Keras 3 reads it too) and side [${side}] -> ` +
        `Dense(${D.dHidden}, relu), Concatenate -> Dense(${D.dHidden}, relu) -> two outputs: ` +
        `class Dense(${D.dOut}, softmax) and value Dense(2); inputs in input_0.npy, input_1.npy, ` +
        'outputs in expected_0.npy, expected_1.npy',
    inputStds: [1, 3],
    build: n => {
      const seq = tf.input({shape: [D.rT, D.rF], name: 'sequence'});
      const aux = tf.input({shape: [side], name: 'side'});
      const h = L.lstm({units: D.rUnits, recurrentActivation: 'sigmoid', name: 'lstm'}).apply(seq);
      const s = L.dense({units: D.dHidden, activation: 'relu', name: 'side_dense'}).apply(aux);
      const c = L.concatenate({name: 'joined'}).apply([h, s]);
      const t = L.dense({units: D.dHidden, activation: 'relu', name: 'trunk'}).apply(c);
      const cls = L.dense({units: D.dOut, activation: 'softmax', name: 'class'}).apply(t);
      const val = L.dense({units: 2, name: 'value'}).apply(t);
      return tf.model({inputs: [seq, aux], outputs: [cls, val], name: n});
    },
  });
  const wa = 3;
  const wb = 5;
  F.push({
    name: 'multiio_concat_ranges',
    description: `two sequence inputs a [${D.rT}, ${wa}] (std 1) and b [${D.rT}, ${wb}] (std 8) -> Concatenate ` +
        `on the last axis -> GRU(${D.rUnits2}) -> Dense(${D.dOut}); and a [${wa + 1}] / [${wb + 2}] pair (std 0.5, 4) ` +
        `-> Concatenate -> Dense(${D.dOut}); the inputs' ranges differ, so the concatenations requantize; ` +
        'inputs in input_0.npy ... input_3.npy, outputs in expected_0.npy, expected_1.npy',
    inputStds: [1, 8, 0.5, 4],
    build: n => {
      const a = tf.input({shape: [D.rT, wa], name: 'seq_a'});
      const b = tf.input({shape: [D.rT, wb], name: 'seq_b'});
      const p = tf.input({shape: [wa + 1], name: 'feat_p'});
      const q = tf.input({shape: [wb + 2], name: 'feat_q'});
      const c = L.concatenate({axis: -1, name: 'seq_cat'}).apply([a, b]);
      const g = L.gru({units: D.rUnits2, name: 'gru'}).apply(c);
      const y1 = L.dense({units: D.dOut, name: 'seq_head'}).apply(g);
      const f = L.concatenate({name: 'feat_cat'}).apply([p, q]);
      const y2 = L.dense({units: D.dOut, name: 'feat_head'}).apply(f);
      return tf.model({inputs: [a, b, p, q], outputs: [y1, y2], name: n});
    },
  });
  return F;
}

module.exports = {multiIoFixtures};
