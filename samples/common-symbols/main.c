/* common-symbols/main.c — with -fcommon, `int counter;` (no initialiser) is a *tentative*
 * definition: a COMMON symbol (st_shndx = SHN_COMMON, st_value = alignment) that the linker
 * merges with every other COMMON or real definition of the same name into one object. */
#include "../runtime/runtime.h"

int counter;       /* COMMON, size 4: shares storage with counter in a.c */
long buffer[2];    /* COMMON, size 16: a.c declares 8 elements, the largest size wins */
long total;        /* COMMON here, but b.c initialises it: the real definition wins */

void bump_a(void);
void bump_b(void);

int main(void)
{
	bump_a();
	bump_b();
	print("counter = ");
	print_number(counter); /* 2: one variable, bumped by a.c and b.c */
	print("\ntotal = ");
	print_number(total); /* 5 from b.c's initialiser, + 1 from a.c */
	print("\nbuffer[7] = ");
	print_number(buffer[7]); /* a.c wrote it: buffer has a.c's (largest) size */
	print("\n");
	return 0;
}
