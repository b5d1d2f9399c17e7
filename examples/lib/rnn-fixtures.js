'use strict';
// Fixtures of the wrapper layers: Bidirectional(LSTM | GRU | SimpleRNN) with each merge mode and
// return_sequences both ways, TimeDistributed(Dense) and TimeDistributed(Conv1D). Required by
// gen-fixtures.js, which seeds the weights, runs model.predict and saves each model.

const MERGES = ['concat', 'sum', 'ave', 'mul'];
const RNNS = [
  {cls: 'lstm', make: (L, o) => L.lstm(o)},
  {cls: 'gru', make: (L, o) => L.gru(o)},
  {cls: 'simple_rnn', make: (L, o) => L.simpleRNN(o)},
];

/**
 * Adds the wrapper fixtures through `add(name, description, build, extra)` (gen-fixtures.js' helper);
 * `seq(name, layers)` makes a Sequential model, `D` holds the dims.
 */
function addRnnFixtures(L, D, add, seq) {
  // Every merge mode on every cell, alternating return_sequences so both forms meet each cell and mode.
  RNNS.forEach((r, ri) => {
    MERGES.forEach((merge, mi) => {
      const rs = (ri + mi) % 2 === 0;
      const name = `bidi_${r.cls}_${merge}_${rs ? 'seq' : 'last'}`;
      add(name, `Bidirectional(${r.cls}(${D.rUnits2}, returnSequences ${rs}), mergeMode ${merge}) -> ` +
          `${rs ? 'TimeDistributed(Dense' : 'Dense'}(${D.dOut})${rs ? ')' : ''} on [T=${D.rT}, F=${D.rF}]`, n => seq(n, [
        L.bidirectional({layer: r.make(L, {units: D.rUnits2, returnSequences: rs, name: r.cls}), mergeMode: merge,
          inputShape: [D.rT, D.rF], name: 'bidi'}),
        rs ? L.timeDistributed({layer: L.dense({units: D.dOut, name: 'dense'}), name: 'td'})
          : L.dense({units: D.dOut, name: 'dense'}),
      ]));
    });
  });
  // The other return_sequences form of concat and sum for every cell: the two merges mcugen always has.
  RNNS.forEach((r, ri) => {
    ['concat', 'sum'].forEach((merge, mi) => {
      const rs = (ri + mi) % 2 !== 0;
      const name = `bidi_${r.cls}_${merge}_${rs ? 'seq' : 'last'}`;
      add(name, `Bidirectional(${r.cls}(${D.rUnits2}, returnSequences ${rs}), mergeMode ${merge}) on ` +
          `[T=${D.rT}, F=${D.rF}]`, n => seq(n, [
        L.bidirectional({layer: r.make(L, {units: D.rUnits2, returnSequences: rs, name: r.cls}), mergeMode: merge,
          inputShape: [D.rT, D.rF], name: 'bidi'}),
      ]));
    });
  });
  add('bidi_stacked_go_backwards', `Bidirectional(LSTM(${D.rUnits2}, returnSequences, goBackwards), concat) -> ` +
      `Bidirectional(GRU(${D.rUnits2}), sum) -> Dense(${D.dOut}, softmax) on [T=${D.rT}, F=${D.rF}]: the wrapped ` +
      `layer itself runs backwards, so the "backward" direction runs forwards`, n => seq(n, [
    L.bidirectional({layer: L.lstm({units: D.rUnits2, returnSequences: true, goBackwards: true, name: 'lstm'}),
      inputShape: [D.rT, D.rF], name: 'bidi_1'}),
    L.bidirectional({layer: L.gru({units: D.rUnits2, name: 'gru'}), mergeMode: 'sum', name: 'bidi_2'}),
    L.dense({units: D.dOut, activation: 'softmax', name: 'dense'}),
  ]));
  add('time_distributed_dense', `TimeDistributed(Dense(${D.dHidden}, relu)) -> TimeDistributed(Dense(${D.dOut})) ` +
      `on [T=${D.seqT}, F=${D.seqF}]`, n => seq(n, [
    L.timeDistributed({layer: L.dense({units: D.dHidden, activation: 'relu', name: 'dense_1'}),
      inputShape: [D.seqT, D.seqF], name: 'td_1'}),
    L.timeDistributed({layer: L.dense({units: D.dOut, name: 'dense_2'}), name: 'td_2'}),
  ]));
  const tdL = 4 * D.c1K + 1;
  add('time_distributed_conv1d', `TimeDistributed(Conv1D(${D.c1Filters}, k=${D.c1K}, strides 2, same, relu)) -> ` +
      `TimeDistributed(Conv1D(${D.c1Filters}, k=${D.c1K}, valid)) on [T=${D.seqT}, L=${tdL}, C=${D.c1C}]`, n => seq(n, [
    L.timeDistributed({layer: L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, strides: 2, padding: 'same',
      activation: 'relu', name: 'conv_1'}), inputShape: [D.seqT, tdL, D.c1C], name: 'td_1'}),
    L.timeDistributed({layer: L.conv1d({filters: D.c1Filters, kernelSize: D.c1K, name: 'conv_2'}), name: 'td_2'}),
  ]));
  add('time_distributed_lstm_refused', `TimeDistributed(LSTM(${D.rUnits2})) on [T=${D.seqT}, L=${D.rT}, F=${D.rF}]` +
      ` (mcugen refuses TimeDistributed around anything but Dense and Conv1D)`, n => seq(n, [
    L.timeDistributed({layer: L.lstm({units: D.rUnits2, name: 'lstm'}), inputShape: [D.seqT, D.rT, D.rF], name: 'td'}),
  ]), {refused: 'MCG_IMPORT_LAYER_UNSUPPORTED'});
}

module.exports = {addRnnFixtures};
