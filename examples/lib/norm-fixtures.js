'use strict';
// Fixtures of LayerNormalization and of Embedding on integer token ids, for gen-fixtures.js.

/**
 * Adds the fixtures through `add(name, description, build, extra)` (see gen-fixtures.js); `L` is
 * tf.layers, `seq(name, layers)` builds a Sequential model.
 */
function addNormFixtures(add, seq, L) {
  const T = 7;
  const F = 12;
  add('layer_norm_seq', `LayerNormalization -> Dense(5) on [T=${T}, F=${F}] (rows of the last axis)`, n => seq(n, [
    L.layerNormalization({inputShape: [T, F], name: 'layer_norm'}),
    L.dense({units: 5, name: 'dense'}),
  ]), {inputStd: 2});
  add('layer_norm_vec_eps', `LayerNormalization(epsilon 0.5, center false) on [F=${F}] (a large epsilon)`,
    n => seq(n, [
      L.layerNormalization({inputShape: [F], epsilon: 0.5, center: false, name: 'layer_norm'}),
    ]));
  // Token ids: whole numbers in [0, V), the first sample holding 0 and V - 1.
  const V = 50;
  const tokens = (rng, count) => {
    const v = rng.fill(count, r => r.intIn(0, V - 1));
    v[0] = 0;
    v[1] = V - 1;
    return v;
  };
  add('embedding_lstm', `Embedding(${V}, 8) -> LSTM(10) -> Dense(4, softmax) on token ids [T=${T}]`, n => seq(n, [
    L.embedding({inputDim: V, outputDim: 8, inputLength: T, name: 'embedding'}),
    L.lstm({units: 10, name: 'lstm'}),
    L.dense({units: 4, activation: 'softmax', name: 'dense'}),
  ]), {inputFill: tokens});
  add('embedding_gru', `Embedding(${V}, 6) -> GRU(8) -> Dense(3, softmax) on token ids [T=${T}]`, n => seq(n, [
    L.embedding({inputDim: V, outputDim: 6, inputLength: T, name: 'embedding'}),
    L.gru({units: 8, name: 'gru'}),
    L.dense({units: 3, activation: 'softmax', name: 'dense'}),
  ]), {inputFill: tokens});
}

module.exports = {addNormFixtures};
