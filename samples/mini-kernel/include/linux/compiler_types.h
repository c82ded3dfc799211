#ifndef _SAMPLE_COMPILER_TYPES_H
#define _SAMPLE_COMPILER_TYPES_H
/* Attribute spellings as the kernel's compiler_attributes.h writes them. */
#define __aligned(x) __attribute__((__aligned__(x)))
#define __packed __attribute__((__packed__))
#define __force
#define __bitwise
#define __always_inline inline __attribute__((__always_inline__))
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
/* static_assert with an optional message, as include/linux/build_bug.h has it. */
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)
#endif
