/*
 * Rate limiting per client address: a token bucket for each address (held as its theoretical
 * arrival time, the "generic cell rate algorithm", which is the same bucket in one number), in
 * a table of fixed size so that a flood of addresses costs no memory: the table is hashed
 * (SipHash with a random key, so nobody can aim many addresses at one set) into sets of
 * RATELIMIT_WAYS entries, and a new address takes the entry of its set that is free, else one
 * whose bucket has filled up again (forgetting it changes nothing), else the least recently
 * used. Thread-safe: the sets are guarded by a striped array of mutexes.
 *
 * Addresses are the text of an IPv4 or IPv6 address. An IPv6 client is limited by its /64
 * (RATELIMIT_IPV6_PREFIX): one subscriber usually holds a whole /64 and could otherwise take a
 * new address for every request. IPv4-mapped IPv6 addresses count as the IPv4 address.
 *
 * Behind a reverse proxy every request comes from the proxy. ratelimit_client_addr gives the
 * address a request really comes from: the peer's own, unless the peer is one of the trusted
 * proxies (server.trusted_proxies), in which case the proxy's X-Real-IP, else the nearest
 * untrusted address of X-Forwarded-For. See docs/nginx.md.
 *
 * The server's public limiter (public.rate_limit, public.rate_burst) is set up once before the
 * workers start (ratelimit_public_setup) and asked by public handlers (ratelimit_public_allow).
 */
#ifndef JZ_RATELIMIT_H
#define JZ_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct http_request;

#define RATELIMIT_WAYS         8       /* entries per set (the LRU choice is among these) */
#define RATELIMIT_LOCKS        64      /* mutexes the sets share (set i: lock i % this) */
#define RATELIMIT_IPV6_PREFIX  64      /* bits of an IPv6 address that name one client */
#define RATELIMIT_RATE_MAX     6000000 /* requests per minute (100,000 a second) at most */
#define RATELIMIT_BURST_MAX    100000  /* bucket size at most */
#define RATELIMIT_PUBLIC_SLOTS 65536   /* addresses the public limiter keeps (2.5 MiB) */
#define RATELIMIT_PROXIES_MAX  32      /* networks in server.trusted_proxies */
#define RATELIMIT_PROXIES_TEXT 1024    /* bytes of server.trusted_proxies */
#define RATELIMIT_ADDR_TEXT    48      /* bytes of an address as text, with NUL */

/* A monotonic clock in nanoseconds (tests inject their own). */
typedef uint64_t (*ratelimit_clock_fn)(void);

struct ratelimit;

/*
 * A limiter of per_minute requests a minute per address (1..RATELIMIT_RATE_MAX), of which up
 * to burst (1..RATELIMIT_BURST_MAX) may come at once, keeping about slots addresses (rounded
 * up to whole sets; at least one set). clock NULL means CLOCK_MONOTONIC. Returns the limiter
 * (the caller frees it with ratelimit_free), or NULL when a number is out of range.
 */
struct ratelimit *ratelimit_new(size_t slots, unsigned per_minute, unsigned burst,
                                ratelimit_clock_fn clock);

/* Frees rl (NULL is fine). No thread may be using it. */
void ratelimit_free(struct ratelimit *rl);

/*
 * Takes one request of addr (text; one that is not an address counts as one unknown client).
 * Returns 1 when it is allowed; 0 when it is over the limit, with *retry_after (may be NULL)
 * set to the whole seconds (at least 1) until one more will be allowed.
 */
int ratelimit_take(struct ratelimit *rl, const char *addr, unsigned *retry_after);

/* Entries of rl in use (addresses it remembers), for tests and statistics. */
size_t ratelimit_used(struct ratelimit *rl);

/* Entries of rl (its fixed capacity). */
size_t ratelimit_capacity(const struct ratelimit *rl);

/*
 * The 16-byte key of addr into key: an IPv4 address (or IPv4-mapped IPv6) as ::ffff:a.b.c.d,
 * an IPv6 address cut to its first RATELIMIT_IPV6_PREFIX bits. Returns 0, or -1 (key zeroed)
 * when addr is not an IPv4 or IPv6 address.
 */
int ratelimit_key(const char *addr, uint8_t key[16]);

/* A network: an address (16 bytes, IPv4 mapped as above) and its prefix length in those. */
struct ratelimit_net {
	uint8_t addr[16]; /* the network's address, host bits zero */
	int bits;         /* prefix length over the 16 bytes (an IPv4 /8 is 96 + 8) */
};

/* The trusted proxies. */
struct ratelimit_proxies {
	struct ratelimit_net net[RATELIMIT_PROXIES_MAX]; /* the networks */
	int n;                                           /* how many */
};

/*
 * Parses a list of addresses and networks ("127.0.0.1, ::1, 10.0.0.0/8, fd00::/8"; commas
 * or spaces between them; "" for none) into *out. Returns 0, or -1 with *why (static text).
 */
int ratelimit_proxies_parse(const char *text, struct ratelimit_proxies *out, const char **why);

/* 1 if addr (text) is within one of p's networks. */
int ratelimit_proxies_match(const struct ratelimit_proxies *p, const char *addr);

/*
 * Writes into out (n bytes) the address a request comes from: peer, unless peer is a trusted
 * proxy of p; then x_real_ip when it is an address that is not itself a trusted proxy, else
 * the rightmost address of x_forwarded_for that is not a trusted proxy (the leftmost when all
 * are), else peer. x_real_ip and x_forwarded_for may be NULL.
 */
void ratelimit_client_addr(const struct ratelimit_proxies *p, const char *peer,
                           const char *x_real_ip, const char *x_forwarded_for, char *out, size_t n);

/*
 * Sets up the server's public limiter before the workers start: per_minute 0 turns it off;
 * trusted_proxies as ratelimit_proxies_parse reads it. Returns 0, or -1 with a message on
 * stderr. Calling it again replaces the limiter (never while requests are served).
 */
int ratelimit_public_setup(unsigned per_minute, unsigned burst, const char *trusted_proxies);

/* Frees the public limiter (at the end of serving, and in tests). */
void ratelimit_public_free(void);

/*
 * Takes one public request of req's client (its address as ratelimit_client_addr finds it
 * from req->client_addr and the X-Real-IP and X-Forwarded-For headers). Returns 1 when it
 * is allowed (always, when the limiter is off); 0 when it is over the limit, with
 * *retry_after in seconds.
 */
int ratelimit_public_allow(struct http_request *req, unsigned *retry_after);

#endif
