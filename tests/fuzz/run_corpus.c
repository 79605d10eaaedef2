/* run_corpus.c: a main() for the fuzz targets without libFuzzer.
 *
 * Runs LLVMFuzzerTestOneInput once on each file named on the command line (a directory stands
 * for the files in it), so that the seed corpora and every input that once crashed are replayed
 * by an ordinary build (gcc, ASan+UBSan, valgrind) as regression tests.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read a whole file; NULL on failure. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	*size = n;
	return buf;
}

/* Run one file; returns the number of inputs run (0 or 1), -1 if it could not be read. */
static int run_file(const char *path)
{
	size_t size = 0;
	uint8_t *data = slurp(path, &size);
	if (!data) {
		fprintf(stderr, "run_corpus: cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 1;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file of a directory, in name order. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return run_file(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **bigger = realloc(names, cap * sizeof *names);
			if (!bigger)
				abort();
			names = bigger;
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n])
			abort();
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, compare_names);
	int runs = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			int r = run_file(names[i]);
			if (r < 0)
				runs = -1;
			else if (runs >= 0)
				runs += r;
		}
		free(names[i]);
	}
	free(names);
	return runs;
}

int main(int argc, char **argv)
{
	int total = 0, failed = 0;
	for (int i = 1; i < argc; i++) {
		int r = run_dir(argv[i]);
		if (r < 0)
			failed = 1;
		else
			total += r;
	}
	printf("%s: %d inputs run\n", argc > 0 ? argv[0] : "run_corpus", total);
	return failed;
}
