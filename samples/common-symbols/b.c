/* common-symbols/b.c — an initialised (real) definition of `total`.
 * A real definition overrides COMMON ones: `total` lives in .data, not .bss, and every
 * file's `total` refers to it. */

int counter;
long total = 5;

void bump_b(void)
{
	counter++;
}
