/* undefined-reference/main.c — the same call as two-files, but the file that defines
 * greeting() was left off the link command line. Compiling works (a declaration is enough);
 * linking fails: no input defines the undefined symbol, so the call cannot be patched. */
#include "../runtime/runtime.h"

extern const char *greeting(void); /* declared, never defined in this link */

int main(void)
{
	print(greeting()); /* ld: undefined reference to `greeting' */
	return 0;
}
