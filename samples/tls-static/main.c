/* tls-static/main.c — thread-local variables in a static executable.
 * Variables defined here are accessed with the local-exec model: `movl %fs:hits@tpoff, %eax`
 * carries R_X86_64_TPOFF32, which the linker fills with the (negative) offset from %fs. */
#include "../runtime/runtime.h"

__thread int hits = 40;   /* initialised: .tdata */
__thread long scratch[4]; /* zero-initialised: .tbss */

void record_hit(void); /* counter.c */

int main(void)
{
	record_hit();
	record_hit();
	scratch[3] = hits;
	print("hits = ");
	print_number(hits);
	print(", scratch[3] = ");
	print_number(scratch[3]);
	print("\n");
	return hits;
}
