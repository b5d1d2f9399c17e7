/**
 * @file test_nn_lstm_tfl.c
 * @brief Host test: mcu_lstm_tfl_s8 (TFLite's integer LSTM, mcu_tfl.h) against the Java reference
 *        (golden table nn_lstm_tfl, format in LstmTflGoldenVectors): every step's output and the
 *        final cell state.
 */
#include "mcu_stream.h"
#include "mcu_tfl.h"

#define MAX_UNITS 16
#define MAX_INPUT 16
#define MAX_STEPS 8

static int32_t buf[MCU_STREAM_MAX];
static int32_t want[MCU_STREAM_MAX];
static int32_t got[MCU_STREAM_MAX];
static int8_t wx[4][MAX_UNITS * MAX_INPUT];
static int8_t wh[4][MAX_UNITS * MAX_UNITS];
static int32_t bx[4][MAX_UNITS];
static int32_t bh[4][MAX_UNITS];
static int8_t h[MAX_UNITS];
static int16_t c[MAX_UNITS];
static int8_t x[MAX_STEPS * MAX_INPUT];
static int8_t y[MAX_STEPS * MAX_UNITS];
static int16_t scratch[3 * MAX_UNITS];

static void read8(mcu_stream_t *s, int8_t *dst, int32_t n)
{
    int32_t i;
    mcu_stream_read(s, buf, n);
    for (i = 0; i < n; i++) {
        dst[i] = (int8_t)buf[i];
    }
}

static void read_gate(mcu_stream_t *s, mcu_lstm_tfl_gate_t *g, int32_t k, int32_t units, int32_t in)
{
    read8(s, wx[k], units * in);
    mcu_stream_read(s, bx[k], units);
    g->input_rescale = mcu_stream_rescale(s);
    read8(s, wh[k], units * units);
    mcu_stream_read(s, bh[k], units);
    g->recurrent_rescale = mcu_stream_rescale(s);
    g->input_weights = wx[k];
    g->input_bias = bx[k];
    g->recurrent_weights = wh[k];
    g->recurrent_bias = bh[k];
}

static void lstm_case(mcu_stream_t *s)
{
    mcu_lstm_tfl_params_t p;
    mcu_lstm_tfl_state_t st;
    int32_t steps, i, t;
    p.units = mcu_stream_next(s);
    p.input_size = mcu_stream_next(s);
    steps = mcu_stream_next(s);
    if (p.units > MAX_UNITS || p.input_size > MAX_INPUT || steps > MAX_STEPS) {
        fprintf(stderr, "test_nn_lstm_tfl: case too large\n");
        exit(1);
    }
    p.cell_gate_sigmoid = mcu_stream_next(s);
    p.cell_integer_bits = mcu_stream_next(s);
    p.cell_clip = mcu_stream_next(s);
    p.hidden_zp = mcu_stream_next(s);
    p.forget_cell_rescale = mcu_stream_rescale(s);
    p.input_cell_rescale = mcu_stream_rescale(s);
    p.hidden_rescale = mcu_stream_rescale(s);
    read_gate(s, &p.forget_gate, 0, p.units, p.input_size);
    read_gate(s, &p.input_gate, 1, p.units, p.input_size);
    read_gate(s, &p.cell_gate, 2, p.units, p.input_size);
    read_gate(s, &p.output_gate, 3, p.units, p.input_size);
    read8(s, h, p.units);
    mcu_stream_read(s, buf, p.units);
    for (i = 0; i < p.units; i++) {
        c[i] = (int16_t)buf[i];
    }
    read8(s, x, steps * p.input_size);
    st.h = h;
    st.c = c;
    for (t = 0; t < steps; t++) {
        mcu_lstm_tfl_s8(&p, &st, x + t * p.input_size, y + t * p.units, scratch);
    }
    mcu_stream_read(s, want, steps * p.units);
    for (i = 0; i < steps * p.units; i++) {
        got[i] = y[i];
    }
    s->what = "mcu_lstm_tfl_s8 y";
    mcu_stream_compare(s, want, got, steps * p.units);
    mcu_stream_read(s, want, p.units);
    for (i = 0; i < p.units; i++) {
        got[i] = c[i];
    }
    s->what = "mcu_lstm_tfl_s8 c";
    mcu_stream_compare(s, want, got, p.units);
}

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_lstm_tfl");
    const int32_t cases = mcu_stream_next(&s);
    int32_t k;
    for (k = 0; k < cases; k++) {
        s.case_index = k;
        lstm_case(&s);
    }
    mcu_stream_finish(&s, "test_nn_lstm_tfl");
    return 0;
}
