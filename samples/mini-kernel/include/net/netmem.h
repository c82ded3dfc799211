#ifndef _SAMPLE_NET_NETMEM_H
#define _SAMPLE_NET_NETMEM_H
#include <linux/mm_types.h>

struct dmabuf_chunk_owner;

/* netmem_ref carries a struct page * or a struct net_iov *: the LSB tells which. */
#define NET_IOV 0x01UL

struct net_iov {
	unsigned long __unused_padding;
	unsigned long pp_magic;
	struct page_pool *pp;
	struct dmabuf_chunk_owner *owner;	/* the demo finding: overlays _pp_mapping_pad, no assert */
	unsigned long dma_addr;
	atomic_long_t pp_ref_count;
};

#define NET_IOV_ASSERT_OFFSET(pg, iov) \
	static_assert(offsetof(struct page, pg) == offsetof(struct net_iov, iov))
NET_IOV_ASSERT_OFFSET(pp_magic, pp_magic);
NET_IOV_ASSERT_OFFSET(pp, pp);
NET_IOV_ASSERT_OFFSET(dma_addr, dma_addr);
NET_IOV_ASSERT_OFFSET(pp_ref_count, pp_ref_count);
#undef NET_IOV_ASSERT_OFFSET

typedef unsigned long __bitwise netmem_ref;

static inline bool netmem_is_net_iov(const netmem_ref netmem)
{
	return (__force unsigned long)netmem & NET_IOV;
}

static inline struct page *netmem_to_page(netmem_ref netmem)
{
	return (__force struct page *)netmem;
}

static inline struct net_iov *netmem_to_net_iov(netmem_ref netmem)
{
	return (struct net_iov *)((__force unsigned long)netmem & ~NET_IOV);
}

static inline netmem_ref net_iov_to_netmem(struct net_iov *niov)
{
	return (__force netmem_ref)((unsigned long)niov | NET_IOV);
}

#endif
