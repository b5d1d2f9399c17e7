/**
 * @file mcu_rnn_rows4_impl.h
 * @brief The body of mcu_rnn_rows4_acc_s8() and mcu_rnn_rows4_acc_s16() (mcu_rnn_internal.h): four
 *        PLAIN rows of a recurrent matVec per pass, summed exactly in int32 chunks of
 *        MCU_RNN_S16_CHUNK columns (|w x| <= 127 * 32768) that are added in int64.
 *
 * Private, included once per element type: the including file defines MCU_ROWS4_NAME (the
 * function), MCU_ROWS4_T (int8_t or int16_t, the vector's type) and MCU_ROWS4_M3_ASM (1: the
 * Cortex-M3 assembly loop mcu_rnn_m3_rows4_s16() takes the multiples of 4 columns; int16 only); all
 * are undefined again at the end. No include guard on purpose.
 */
static inline void MCU_ROWS4_NAME(const mcu_rnn_matvec_t *m, int32_t r0, const MCU_ROWS4_T *x, int32_t acc[4])
{
    const int32_t cols = m->cols;
    const int8_t *w0 = m->weights + (size_t)r0 * (size_t)cols;
    const int8_t *w1 = w0 + cols;
    const int8_t *w2 = w1 + cols;
    const int8_t *w3 = w2 + cols;
    int64_t s0 = m->bias[r0];
    int64_t s1 = m->bias[r0 + 1];
    int64_t s2 = m->bias[r0 + 2];
    int64_t s3 = m->bias[r0 + 3];
    int32_t c = 0;
    while (c < cols) {
        const int32_t end = cols - c > MCU_RNN_S16_CHUNK ? c + MCU_RNN_S16_CHUNK : cols;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#if MCU_ROWS4_M3_ASM
        if (end - c >= 4) {
            /* the multiple of 4 in assembly, the rest (< 4 columns) below */
            int32_t a[4] = {0, 0, 0, 0};
            const int32_t n4 = (end - c) & ~(int32_t)3;
            mcu_rnn_m3_rows4_s16(w0 + c, cols, x + c, n4, a);
            a0 = a[0];
            a1 = a[1];
            a2 = a[2];
            a3 = a[3];
            c += n4;
        }
#endif
        for (; c < end; c++) {
            const int32_t v = x[c];
            a0 += (int32_t)w0[c] * v;
            a1 += (int32_t)w1[c] * v;
            a2 += (int32_t)w2[c] * v;
            a3 += (int32_t)w3[c] * v;
        }
        s0 += a0;
        s1 += a1;
        s2 += a2;
        s3 += a3;
    }
    acc[0] = mcu_rnn_sat32(s0);
    acc[1] = mcu_rnn_sat32(s1);
    acc[2] = mcu_rnn_sat32(s2);
    acc[3] = mcu_rnn_sat32(s3);
}

#undef MCU_ROWS4_NAME
#undef MCU_ROWS4_T
#undef MCU_ROWS4_M3_ASM
