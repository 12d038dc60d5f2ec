/* runtime/runtime.h — the tiny "libc" of the runnable samples: print text and numbers on stdout.
 * Everything goes through write_stdout() from start.s; no allocation, no libc, no globals.
 * Functions are static inline so an object carries only the helpers it really uses. */
#ifndef SAMPLES_RUNTIME_H
#define SAMPLES_RUNTIME_H

long write_stdout(const char *buf, unsigned long len); /* start.s: write(1, buf, len) */

static inline void print(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	write_stdout(s, n);
}

static inline void print_number(long v)
{
	char buf[24];
	int i = sizeof buf;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do {
		buf[--i] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		buf[--i] = '-';
	write_stdout(buf + i, sizeof buf - i);
}

#endif
