#ifndef _SAMPLE_PAGE_POOL_TYPES_H
#define _SAMPLE_PAGE_POOL_TYPES_H
#include <linux/types.h>
#include <asm/page_types.h>

#define PP_ALLOC_CACHE_SIZE	128
#define PP_ALLOC_CACHE_REFILL	64

/* struct_group(): the members once anonymously and once under a name. */
#define struct_group(NAME, MEMBERS...) \
	union { struct { MEMBERS }; struct { MEMBERS } NAME; }

struct device;
struct net_device;

struct page_pool_params {
	struct_group(fast,
		unsigned int order;
		unsigned int pool_size;
		int nid;
		struct device *dev;
		unsigned int dma_dir;
		unsigned int max_len;
		unsigned int offset;
	);
	struct_group(slow,
		struct net_device *netdev;
		unsigned int queue_idx;
		unsigned int flags;
	);
} __aligned(64);

#endif
