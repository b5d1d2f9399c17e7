/*
 * mcugen firmware example: activity recognition on a Cortex-M4 (QEMU mps2-an386).
 *
 * A "sensor driver" delivers accelerometer frames in milli-g, one every 40 ms. Each frame is
 * quantized by the generated har_quantize_input() (integer arithmetic only: the build declared the
 * readings' format, int16 milli-g, with --input-format int16:scale=1/1000) and streamed through
 * har_step(); at the end of a 2 s window the class with the largest output is printed.
 * The model files come from `mcugen build ../har_lstm/model.json --target cortex-m4 --name har
 * --input-format int16:scale=1/1000` (see Makefile); this file uses only the generated header's API
 * and macros.
 */
#include <stdint.h>

#include "board.h"
#include "har.h"
#include "sensor_data.h"

#if !HAR_HAS_STEP
#error "the model has no har_step: it cannot be streamed"
#endif
#if HAR_STEP_INPUT_SIZE != SENSOR_AXES || HAR_TIME_STEPS != SENSOR_FRAMES
#error "the model's input does not match the sensor frames"
#endif

static const char *const CLASS_NAMES[] = {"idle", "walking", "running", "stairs"};

/* The model context: recurrent state + arena, statically allocated (no malloc). */
static har_ctx_t ctx;

static int32_t argmax(const har_output_t *y)
{
    int32_t best = 0;
    int32_t i;
    for (i = 1; i < HAR_STEP_OUTPUT_SIZE; i++) {
        if (y[i] > y[best]) {
            best = i;
        }
    }
    return best;
}

int main(void)
{
    har_output_t y[HAR_STEP_OUTPUT_SIZE];
    har_input_t frame[HAR_STEP_INPUT_SIZE];
    int32_t w, t, a, agree = 0;

    board_write("mcugen firmware example: har_lstm streaming on cortex-m4\n");
    for (w = 0; w < SENSOR_WINDOWS; w++) {
        har_reset(&ctx); /* a new recording starts from the initial state */
        for (t = 0; t < SENSOR_FRAMES; t++) {
            /* milli-g to the model's input integers: the generated helper (--input-format int16:scale=1/1000) */
            har_quantize_input(sensor_mg[w][t], frame, SENSOR_AXES);
            har_step(&ctx, frame, y); /* y: the class scores as if the window ended now */
        }
        {
            int32_t c = argmax(y);
            agree += c == sensor_label[w];
            board_write("window ");
            board_write_int(w);
            board_write(": class ");
            board_write_int(c);
            board_write(" (");
            board_write(CLASS_NAMES[c]);
            board_write("), scores");
            for (a = 0; a < HAR_STEP_OUTPUT_SIZE; a++) {
                board_write(" ");
                board_write_int(y[a]);
            }
            board_write(", recorded as ");
            board_write(CLASS_NAMES[sensor_label[w]]);
            board_write("\n");
        }
    }
    board_write_kv("windows matching their recorded activity: ", agree);
    board_exit(0);
}
