/* What `make prepare` would write from .config (kept in step by hand for the sample). */
#define CONFIG_X86_64 1
#define CONFIG_64BIT 1
#define CONFIG_MEMCG 1
#define CONFIG_PAGE_POOL 1
#define CONFIG_PAGE_POOL_STATS 1
