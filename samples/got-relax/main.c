/* got-relax/main.c — compiled with -fpic -fno-plt, so every global is reached through the GOT:
 *   movq answer@GOTPCREL(%rip), %rax   → R_X86_64_REX_GOTPCRELX (mov with a REX prefix)
 *   call *scale@GOTPCREL(%rip)         → R_X86_64_GOTPCRELX
 * In a static non-PIE link every symbol is known, so GNU ld relaxes these: the mov becomes
 * `mov $answer, %rax` (R_X86_64_32S) and the call becomes `addr32 call scale` (PC32). */
#include "../runtime/runtime.h"

extern int answer;       /* lib.c */
extern int scale(int v); /* lib.c */

int main(void)
{
	int v = scale(answer);
	print("scale(answer) = ");
	print_number(v);
	print("\n");
	return v == 84 ? 0 : 1;
}
