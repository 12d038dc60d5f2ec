/* two-files/main.c — uses a function and a variable that live in another file.
 * The compiler cannot know their addresses: it emits undefined symbols (st_shndx = SHN_UNDEF)
 * plus relocations, and the linker patches them once greet.o supplies the definitions. */
#include "../runtime/runtime.h"

extern const char *greeting(void); /* defined in greet.c: a call → R_X86_64_PLT32 */
extern int greet_count;            /* defined in greet.c: a load → R_X86_64_PC32 */

int main(void)
{
	print(greeting());
	greet_count++;
	print("greet_count is now ");
	print_number(greet_count);
	print("\n");
	return greet_count + 40; /* exit status 42 */
}
