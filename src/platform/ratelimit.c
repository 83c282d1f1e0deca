/*
 * Per-address rate limiting (see ratelimit.h): the fixed table of buckets, address keys, the
 * trusted proxies and the server's public limiter.
 *
 * A bucket of burst tokens refilled at per_minute a minute is kept as one number, its
 * theoretical arrival time (tat): the moment the bucket would be full again. A request at
 * now is allowed when max(tat, now) + T - now <= burst * T (T = the time one token takes to
 * come back), and then moves tat to max(tat, now) + T. So a new address has burst requests at
 * once and then one every T, and an entry whose tat has passed is a full bucket that can be
 * forgotten without changing any answer.
 */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "http.h"
#include "mem.h"

#define NS_PER_SECOND 1000000000ull
#define NS_PER_MINUTE (60ull * NS_PER_SECOND)

/* One address's bucket. */
struct rl_entry {
	uint8_t key[16]; /* ratelimit_key of the address */
	uint64_t tat;    /* when its bucket is full again (ns of the limiter's clock) */
	uint64_t last;   /* its latest request, for the LRU choice */
	uint8_t used;    /* holds an address */
};

struct ratelimit {
	struct rl_entry *e;                            /* nsets * RATELIMIT_WAYS entries */
	size_t nsets;                                  /* sets */
	uint64_t interval;                             /* ns one token takes to come back (T) */
	uint64_t tolerance;                            /* burst * interval */
	ratelimit_clock_fn clock;                      /* now, in ns */
	unsigned char hkey[crypto_shorthash_KEYBYTES]; /* random SipHash key of the table */
	pthread_mutex_t lock[RATELIMIT_LOCKS]; /* set i is guarded by lock[i % RATELIMIT_LOCKS] */
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SECOND + (uint64_t)ts.tv_nsec;
}

struct ratelimit *ratelimit_new(size_t slots, unsigned per_minute, unsigned burst,
                                ratelimit_clock_fn clock)
{
	if (per_minute < 1 || per_minute > RATELIMIT_RATE_MAX || burst < 1 ||
	    burst > RATELIMIT_BURST_MAX || slots > ((size_t)1 << 28))
		return NULL;
	if (sodium_init() < 0)
		return NULL;
	struct ratelimit *rl = xcalloc(1, sizeof *rl);
	rl->nsets = (slots + RATELIMIT_WAYS - 1) / RATELIMIT_WAYS;
	if (rl->nsets == 0)
		rl->nsets = 1;
	rl->e = xcalloc(rl->nsets * RATELIMIT_WAYS, sizeof *rl->e);
	rl->interval = NS_PER_MINUTE / per_minute;
	rl->tolerance = (uint64_t)burst * rl->interval;
	rl->clock = clock ? clock : monotonic_ns;
	randombytes_buf(rl->hkey, sizeof rl->hkey);
	for (int i = 0; i < RATELIMIT_LOCKS; i++)
		pthread_mutex_init(&rl->lock[i], NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (int i = 0; i < RATELIMIT_LOCKS; i++)
		pthread_mutex_destroy(&rl->lock[i]);
	free(rl->e);
	free(rl);
}

size_t ratelimit_capacity(const struct ratelimit *rl)
{
	return rl->nsets * RATELIMIT_WAYS;
}

int ratelimit_key(const char *addr, uint8_t key[16])
{
	memset(key, 0, 16);
	if (addr == NULL)
		return -1;
	uint8_t a[16];
	if (inet_pton(AF_INET, addr, a) == 1) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, a, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return -1;
	static const uint8_t MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a, MAPPED, sizeof MAPPED) == 0) {
		memcpy(key, a, 16);
		return 0;
	}
	memcpy(key, a, RATELIMIT_IPV6_PREFIX / 8);
	return 0;
}

/* The set of key. */
static size_t set_of(const struct ratelimit *rl, const uint8_t key[16])
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, key, 16, rl->hkey);
	uint64_t v;
	memcpy(&v, h, sizeof v);
	return (size_t)(v % rl->nsets);
}

/*
 * The entry of key in set s (locked), or the one to take for it: a free one, else one whose
 * bucket is full again, else the least recently used.
 */
static struct rl_entry *entry_of(struct ratelimit *rl, size_t s, const uint8_t key[16],
                                 uint64_t now, int *found)
{
	struct rl_entry *set = rl->e + s * RATELIMIT_WAYS, *victim = NULL;
	int vscore = 3;
	for (int i = 0; i < RATELIMIT_WAYS; i++) {
		struct rl_entry *e = &set[i];
		if (e->used && memcmp(e->key, key, 16) == 0) {
			*found = 1;
			return e;
		}
		int score = !e->used ? 0 : e->tat <= now ? 1 : 2;
		if (score < vscore || (score == vscore && e->last < victim->last)) {
			victim = e;
			vscore = score;
		}
	}
	*found = 0;
	return victim;
}

int ratelimit_take(struct ratelimit *rl, const char *addr, unsigned *retry_after)
{
	uint8_t key[16];
	(void)ratelimit_key(addr, key); /* not an address: the all-zero key, one shared bucket */
	size_t s = set_of(rl, key);
	pthread_mutex_t *m = &rl->lock[s % RATELIMIT_LOCKS];
	pthread_mutex_lock(m);
	uint64_t now = rl->clock();
	int found;
	struct rl_entry *e = entry_of(rl, s, key, now, &found);
	if (!found) {
		memcpy(e->key, key, 16);
		e->tat = now;
		e->used = 1;
	}
	uint64_t tat = e->tat > now ? e->tat : now;
	uint64_t next = tat + rl->interval;
	int allowed = next - now <= rl->tolerance;
	if (allowed)
		e->tat = next;
	e->last = now;
	pthread_mutex_unlock(m);
	if (!allowed && retry_after) {
		uint64_t wait = next - rl->tolerance - now; /* until one token is back */
		uint64_t secs = (wait + NS_PER_SECOND - 1) / NS_PER_SECOND;
		*retry_after = secs < 1 ? 1 : secs > 86400 ? 86400 : (unsigned)secs;
	}
	return allowed;
}

size_t ratelimit_used(struct ratelimit *rl)
{
	size_t n = 0;
	for (size_t s = 0; s < rl->nsets; s++) {
		pthread_mutex_t *m = &rl->lock[s % RATELIMIT_LOCKS];
		pthread_mutex_lock(m);
		for (int i = 0; i < RATELIMIT_WAYS; i++)
			n += rl->e[s * RATELIMIT_WAYS + i].used;
		pthread_mutex_unlock(m);
	}
	return n;
}

/* ---- Trusted proxies --------------------------------------------------------------------- */

/* Parses "addr" or "addr/bits" (s[0..n)) into *net. Returns 0 or -1. */
static int net_parse(const char *s, size_t n, struct ratelimit_net *net)
{
	char text[RATELIMIT_ADDR_TEXT + 4];
	if (n == 0 || n >= sizeof text)
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	char *slash = strchr(text, '/');
	long bits = -1;
	if (slash) {
		*slash = '\0';
		char *end;
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0')
			return -1;
	}
	uint8_t a[16];
	memset(net->addr, 0, 16);
	if (inet_pton(AF_INET, text, a) == 1) {
		if (bits > 32)
			return -1;
		net->addr[10] = net->addr[11] = 0xff;
		memcpy(net->addr + 12, a, 4);
		net->bits = 96 + (int)(bits < 0 ? 32 : bits);
	} else if (inet_pton(AF_INET6, text, a) == 1) {
		if (bits > 128)
			return -1;
		memcpy(net->addr, a, 16);
		net->bits = (int)(bits < 0 ? 128 : bits);
	} else {
		return -1;
	}
	for (int i = net->bits; i < 128; i++) /* host bits zero */
		net->addr[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
	return 0;
}

int ratelimit_proxies_parse(const char *text, struct ratelimit_proxies *out, const char **why)
{
	memset(out, 0, sizeof *out);
	if (strlen(text) > RATELIMIT_PROXIES_TEXT) {
		*why = "longer than 1024 bytes";
		return -1;
	}
	for (const char *p = text; *p;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		size_t n = strcspn(p, ", \t");
		if (out->n == RATELIMIT_PROXIES_MAX) {
			*why = "more than 32 addresses or networks";
			return -1;
		}
		if (net_parse(p, n, &out->net[out->n]) != 0) {
			*why =
			    "expected IPv4 or IPv6 addresses or networks (addr/bits), separated by "
			    "commas";
			return -1;
		}
		out->n++;
		p += n;
	}
	return 0;
}

/* 1 if the 16-byte address a is within one of p's networks. */
static int proxies_match_bytes(const struct ratelimit_proxies *p, const uint8_t a[16])
{
	for (int k = 0; k < p->n; k++) {
		const struct ratelimit_net *net = &p->net[k];
		int full = net->bits / 8, rest = net->bits % 8;
		if (memcmp(net->addr, a, (size_t)full) != 0)
			continue;
		if (rest && ((a[full] ^ net->addr[full]) & (uint8_t)(0xff00u >> rest)) != 0)
			continue;
		return 1;
	}
	return 0;
}

/* The full 16 bytes of text address s (IPv4 mapped). Returns 0 or -1. */
static int addr_bytes(const char *s, uint8_t a[16])
{
	struct ratelimit_net net;
	if (net_parse(s, strlen(s), &net) != 0 || strchr(s, '/'))
		return -1;
	memcpy(a, net.addr, 16);
	return 0;
}

int ratelimit_proxies_match(const struct ratelimit_proxies *p, const char *addr)
{
	uint8_t a[16];
	return p && addr && addr_bytes(addr, a) == 0 && proxies_match_bytes(p, a);
}

/* Copies s[0..n) to out (cap bytes), or "" when it does not fit. */
static void copy_addr(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = 0;
	memcpy(out, s, n);
	out[n] = '\0';
}

void ratelimit_client_addr(const struct ratelimit_proxies *p, const char *peer,
                           const char *x_real_ip, const char *x_forwarded_for, char *out, size_t n)
{
	if (n == 0)
		return;
	copy_addr(out, n, peer ? peer : "", peer ? strlen(peer) : 0);
	if (p == NULL || p->n == 0 || !ratelimit_proxies_match(p, peer))
		return;
	uint8_t a[16];
	if (x_real_ip && addr_bytes(x_real_ip, a) == 0 && !proxies_match_bytes(p, a)) {
		copy_addr(out, n, x_real_ip, strlen(x_real_ip));
		return;
	}
	if (x_forwarded_for == NULL)
		return;
	/* From the right: each proxy appends the address it was reached from, so the first
	 * address (from the right) that is not a trusted proxy's is the client's; anything left
	 * of it was written by the client and proves nothing. */
	const char *end = x_forwarded_for + strlen(x_forwarded_for);
	while (end > x_forwarded_for) {
		const char *start = end;
		while (start > x_forwarded_for && start[-1] != ',')
			start--;
		const char *s = start, *e = end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		char text[RATELIMIT_ADDR_TEXT];
		copy_addr(text, sizeof text, s, (size_t)(e - s));
		if (text[0] == '\0' || addr_bytes(text, a) != 0)
			return; /* not an address: keep the last trusted one */
		copy_addr(out, n, text, strlen(text));
		if (!proxies_match_bytes(p, a))
			return;
		end = start > x_forwarded_for ? start - 1 : start;
	}
}

/* ---- The server's public limiter --------------------------------------------------------- */

static struct ratelimit *public_rl;             /* NULL: off */
static struct ratelimit_proxies public_proxies; /* read-only while serving */

int ratelimit_public_setup(unsigned per_minute, unsigned burst, const char *trusted_proxies)
{
	const char *why = NULL;
	struct ratelimit_proxies p;
	if (ratelimit_proxies_parse(trusted_proxies ? trusted_proxies : "", &p, &why) != 0) {
		fprintf(stderr, "jinzhi: server.trusted_proxies = \"%s\": %s\n", trusted_proxies,
		        why);
		return -1;
	}
	struct ratelimit *rl = NULL;
	if (per_minute > 0) {
		rl = ratelimit_new(RATELIMIT_PUBLIC_SLOTS, per_minute, burst, NULL);
		if (rl == NULL) {
			fprintf(stderr,
			        "jinzhi: public.rate_limit %u or public.rate_burst %u out of "
			        "range\n",
			        per_minute, burst);
			return -1;
		}
	}
	ratelimit_public_free();
	public_rl = rl;
	public_proxies = p;
	return 0;
}

void ratelimit_public_free(void)
{
	ratelimit_free(public_rl);
	public_rl = NULL;
	memset(&public_proxies, 0, sizeof public_proxies);
}

int ratelimit_public_allow(struct http_request *req, unsigned *retry_after)
{
	if (public_rl == NULL)
		return 1;
	char addr[RATELIMIT_ADDR_TEXT];
	if (public_proxies.n > 0)
		ratelimit_client_addr(&public_proxies, req->client_addr,
		                      http_header(req, "X-Real-IP"),
		                      http_header(req, "X-Forwarded-For"), addr, sizeof addr);
	else
		copy_addr(addr, sizeof addr, req->client_addr, strlen(req->client_addr));
	return ratelimit_take(public_rl, addr, retry_after);
}
