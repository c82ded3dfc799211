#ifndef _SAMPLE_MM_TYPES_H
#define _SAMPLE_MM_TYPES_H
#include <linux/types.h>
#include <asm/page_types.h>

struct address_space;
struct page_pool;

/* A double-word cmpxchg on struct page needs it aligned to two words. */
#define _struct_page_alignment __aligned(2 * sizeof(unsigned long))

struct page {
	unsigned long flags;
	union {
		struct {	/* page cache and anonymous pages */
			struct list_head lru;
			struct address_space *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {	/* page_pool used by the network stack */
			unsigned long pp_magic;
			struct page_pool *pp;
			unsigned long _pp_mapping_pad;
			unsigned long dma_addr;
			atomic_long_t pp_ref_count;
		};
	};
	atomic_t _mapcount;
	atomic_t _refcount;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#endif
} _struct_page_alignment;

#endif
