/* ARM semihosting for M-profile: bkpt 0xAB, r0 = operation, r1 = argument, result in r0. */
#ifndef MCUGEN_SEMIHOSTING_H
#define MCUGEN_SEMIHOSTING_H

#include <stdint.h>

#define SEMIHOSTING_SYS_WRITE0 0x04u
#define SEMIHOSTING_SYS_EXIT 0x18u
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_INTERNAL_ERROR 0x20024u

static inline uint32_t semihosting_call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#endif
