/* start-stop/hello.c — registers one entry in the "commands" section. The entry's pointers
 * (name and function) are absolute R_X86_64_64 relocations inside that section. */
#include "../runtime/runtime.h"
#include "command.h"

static int hello(void)
{
	print("hello\n");
	return 1;
}
REGISTER_COMMAND(hello);
