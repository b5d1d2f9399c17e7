/*
<#list m.banner as line>
 * ${line}
</#list>
 */
#ifndef ${m.guard}
#define ${m.guard}

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Input: ${m.input.ctype} ${m.input.shape}, real = scale * (q - zero_point), scale ${m.input.scale}. */
#define ${m.macro}_INPUT_SIZE ${m.input.size}
#define ${m.macro}_INPUT_ZERO_POINT ${m.input.zeroPoint}
#define ${m.macro}_INPUT_QMIN ${m.input.qmin}
#define ${m.macro}_INPUT_QMAX ${m.input.qmax}
/* Input scale as an integer ratio: scale = SCALE_NUM / 2^SCALE_SHIFT (${m.input.scale}). */
#define ${m.macro}_INPUT_SCALE_NUM ${m.input.scaleNum}
#define ${m.macro}_INPUT_SCALE_SHIFT ${m.input.scaleShift}

/* Output: ${m.output.ctype} ${m.output.shape}, real = scale * (q - zero_point), scale ${m.output.scale}. */
#define ${m.macro}_OUTPUT_SIZE ${m.output.size}
#define ${m.macro}_OUTPUT_ZERO_POINT ${m.output.zeroPoint}
#define ${m.macro}_OUTPUT_QMIN ${m.output.qmin}
#define ${m.macro}_OUTPUT_QMAX ${m.output.qmax}
/* Output scale as an integer ratio: scale = SCALE_NUM / 2^SCALE_SHIFT (${m.output.scale}). */
#define ${m.macro}_OUTPUT_SCALE_NUM ${m.output.scaleNum}
#define ${m.macro}_OUTPUT_SCALE_SHIFT ${m.output.scaleShift}

/* Bytes of the activation arena (static plan, buffers reused by liveness). */
#define ${m.macro}_ARENA_BYTES ${m.arenaBytes}

typedef ${m.input.ctype} ${m.id}_input_t;
typedef ${m.output.ctype} ${m.id}_output_t;

/** Everything one inference needs besides the const weights; the caller owns it (no malloc). */
typedef struct {
    union {
        int8_t s8[${m.arenaBytes}];
        int16_t s16[${m.arenaBytes} / 2];
        int32_t s32[${m.arenaBytes} / 4];
    } arena;
} ${m.id}_ctx_t;

/** Resets the context (this feed-forward model keeps no state between calls). */
void ${m.id}_reset(${m.id}_ctx_t *ctx);

/**
 * Runs the model on one quantized input x[${m.macro}_INPUT_SIZE] and writes y[${m.macro}_OUTPUT_SIZE].
 * Returns 0.
 */
int ${m.id}_invoke(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x, ${m.id}_output_t *y);

#ifdef __cplusplus
}
#endif

#endif /* ${m.guard} */
