#ifndef _SAMPLE_TYPES_H
#define _SAMPLE_TYPES_H
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef _Bool bool;
typedef unsigned long dma_addr_t;
/* The atomics are structs so that plain arithmetic on them does not compile. */
typedef struct { int counter; } atomic_t;
#ifdef CONFIG_64BIT
typedef struct { long counter; } atomic_long_t;
#else
typedef atomic_t atomic_long_t;
#endif
struct list_head { struct list_head *next, *prev; };
#endif
