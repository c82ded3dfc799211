// SPDX-License-Identifier: GPL-2.0
/* Pulls every sample header into one unit so gcc evaluates their asserts. */
#include <net/netmem.h>
#include <net/page_pool/types.h>

/* The demo finding is real: owner and _pp_mapping_pad do share bytes. */
static_assert(offsetof(struct page, _pp_mapping_pad) == offsetof(struct net_iov, owner));
/* struct_group() names the same bytes twice. */
static_assert(offsetof(struct page_pool_params, slow.netdev) == offsetof(struct page_pool_params, netdev));
static_assert(sizeof(struct page_pool_params) % 64 == 0);
static_assert(PP_ALLOC_CACHE_REFILL <= PP_ALLOC_CACHE_SIZE);
#ifdef CONFIG_64BIT
/* MEMCG adds a member; the two-word alignment hides it in the size. */
static_assert(sizeof(struct page) == 64);
#ifdef CONFIG_MEMCG
static_assert(offsetof(struct page, memcg_data) == 56);
#endif
#endif
