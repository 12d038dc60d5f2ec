/* common-symbols/a.c — more tentative definitions of the same names as main.c.
 * Each becomes a COMMON symbol; ld allocates one .bss object per name, using the
 * largest size and alignment it saw. */

int counter;
long buffer[8]; /* larger than main.c's buffer[2]: this size is kept */
long total;

void bump_a(void)
{
	counter++;
	total++;
	buffer[7] = 7;
}
