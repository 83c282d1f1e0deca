/*
 * The certificate rendering benchmark (bench/licensing_pdf.sh runs it): renders COUNT
 * certificates (each with its own number, holder and address) with pdf_certificate_render,
 * ROUNDS times on one thread and ROUNDS times split over two threads, and prints the median
 * rate of each in certificates per second. With --write FILE it also saves one certificate
 * for the script's reference (poppler's pdftocairo re-rendering it).
 *
 *   lc_pdf_bench --rounds 5 --count 200 [--write sample.pdf]
 *
 * Output, one "key value" a line: count, rounds, single_per_s, two_threads_per_s,
 * bytes_mean (mean size of a certificate).
 */
#define BENCH_NAME "lc_pdf_bench"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "platform/pdf.h"

#define COUNT_MAX 100000

struct doc {
	char number[32], holder[160], address[200];
	struct pdf_field fields[9];
	struct pdf_certificate c;
};

static const char *const SURNAMES[] = {"བསྟན་འཛིན་", "བསོད་ནམས་", "ཚེ་རིང་", "བཀྲ་ཤིས་", "རྡོ་རྗེ་"};
static const char *const NAMES[] = {"སྒྲོལ་མ།", "དབང་འདུས།", "ལྷ་མོ།", "ནོར་བུ།", "ཆོས་སྒྲོན།"};

/* Certificate i: its own number, holder and address, the rest as a food production licence. */
static void doc_make(struct doc *d, int i)
{
	snprintf(d->number, sizeof d->number, "SC1065401%07d", i);
	snprintf(d->holder, sizeof d->holder, "%s%s 第%d号", SURNAMES[i % 5], NAMES[(i / 5) % 5],
	         i);
	snprintf(d->address, sizeof d->address,
	         "བོད་རང་སྐྱོང་ལྗོངས། 西藏自治区拉萨市城关区金珠西路%d号%d栋", i % 300 + 1, i % 17 + 1);
	const struct pdf_field f[9] = {
	    {"ཐོན་སྐྱེད་པའི་མིང་།", "生产者名称", "Producer", "拉萨雪域青稞食品有限公司"},
	    {"སྤྱི་ཚོགས་ཡིད་རྟོན་ཨང་རྟགས།", "社会信用代码", "Credit code", "91540100MA6T1234XK"},
	    {"ཁྲིམས་ལྡན་ངོ་ཚབ།", "法定代表人", "Legal representative", d->holder},
	    {"སྡོད་གནས།", "住所", "Domicile", d->address},
	    {"ཐོན་སྐྱེད་ས་གནས།", "生产地址", "Production site", d->address},
	    {"ཟས་རིགས་ཀྱི་རིགས།", "食品类别", "Food categories", "粮食加工品；糕点；饮料"},
	    {"ཉིན་རེའི་ལྟ་སྲུང་དོ་དམ་ལས་ཁུངས།", "日常监督管理机构", "Supervising office",
	     "拉萨市城关区市场监督管理局"},
	    {"ནུས་ལྡན་དུས་ཚོད།", "有效期至", "Valid until", "2030年3月3日"},
	    {NULL, "投诉举报电话", NULL, "12315"},
	};
	memcpy(d->fields, f, sizeof f);
	struct pdf_certificate c = {
	    .title_bo = "ཟས་རིགས་ཐོན་སྐྱེད་ཆོག་མཆན།",
	    .title_zh = "食品生产许可证",
	    .title_en = "Food Production Licence",
	    .number_label_bo = "ཨང་རྟགས།",
	    .number_label_zh = "编号",
	    .number = d->number,
	    .issuer_bo = "བོད་རང་སྐྱོང་ལྗོངས་ཁྲོམ་ར་ལྟ་སྲུང་དོ་དམ་ཅུས།",
	    .issuer_zh = "西藏自治区市场监督管理局",
	    .issued_on = "2025-03-04",
	    .fields = d->fields,
	    .nfields = 9,
	    .qr_text = NULL,
	    .qr_caption_bo = "བཤེར་ནས་ཞིབ་བཤེར།",
	    .qr_caption_zh = "扫码核验",
	};
	d->c = c;
}

struct slice {
	struct doc *docs;
	int from, to;
	size_t bytes;
	int failed;
};

static char url_of[COUNT_MAX][64];

static void *slice_run(void *arg)
{
	struct slice *s = arg;
	struct buf b = {0};
	for (int i = s->from; i < s->to; i++) {
		buf_reset(&b);
		if (pdf_certificate_render(&s->docs[i].c, &b) != 0)
			s->failed = 1;
		s->bytes += b.len;
	}
	buf_free(&b);
	return NULL;
}

/* Renders docs[0..n) over nthreads threads; returns milliseconds, adds the bytes. */
static double round_run(struct doc *docs, int n, int nthreads, size_t *bytes)
{
	struct slice s[2];
	pthread_t th[2];
	double t0 = bench_now_ms();
	for (int k = 0; k < nthreads; k++) {
		s[k] = (struct slice){docs, n * k / nthreads, n * (k + 1) / nthreads, 0, 0};
		if (pthread_create(&th[k], NULL, slice_run, &s[k]) != 0)
			bench_die("pthread_create failed");
	}
	for (int k = 0; k < nthreads; k++) {
		pthread_join(th[k], NULL);
		if (s[k].failed)
			bench_die("pdf_certificate_render failed");
		*bytes += s[k].bytes;
	}
	return bench_now_ms() - t0;
}

int main(int argc, char **argv)
{
	int rounds = 5, count = 200;
	const char *write = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
			write = argv[++i];
		else
			bench_die("usage: lc_pdf_bench [--rounds R] [--count N] [--write FILE]");
	}
	if (rounds < 1 || rounds > BENCH_ROUNDS_MAX)
		bench_die("--rounds must be 1..50");
	if (count < 2 || count > COUNT_MAX)
		bench_die("--count must be 2..100000");
	struct doc *docs = xcalloc((size_t)count, sizeof *docs);
	for (int i = 0; i < count; i++) {
		doc_make(&docs[i], i);
		snprintf(url_of[i], sizeof url_of[i], "https://jinzhi.example.gov.cn/v/%s",
		         docs[i].number);
		docs[i].c.qr_text = url_of[i];
	}
	if (write != NULL) {
		struct buf b = {0};
		if (pdf_certificate_render(&docs[0].c, &b) != 0)
			bench_die("pdf_certificate_render failed");
		FILE *f = fopen(write, "wb");
		if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0)
			bench_die("cannot write the sample certificate");
		buf_free(&b);
	}
	/* A warm-up round on each thread count: fonts load on a thread's first certificate. */
	size_t bytes = 0;
	round_run(docs, count < 8 ? count : 8, 1, &bytes);
	round_run(docs, count < 8 ? count : 8, 2, &bytes);
	double one[BENCH_ROUNDS_MAX], two[BENCH_ROUNDS_MAX];
	bytes = 0;
	for (int r = 0; r < rounds; r++) {
		one[r] = round_run(docs, count, 1, &bytes);
		two[r] = round_run(docs, count, 2, &bytes);
	}
	printf("count %d\nrounds %d\n", count, rounds);
	printf("single_per_s %.1f\n", count * 1000.0 / bench_median(one, rounds));
	printf("two_threads_per_s %.1f\n", count * 1000.0 / bench_median(two, rounds));
	printf("bytes_mean %.0f\n", (double)bytes / (2.0 * rounds * count));
	free(docs);
	return 0;
}
