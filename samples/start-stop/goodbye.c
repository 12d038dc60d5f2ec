/* start-stop/goodbye.c — a second, independent entry: the table's order is the link order
 * of the input files, since ld appends each file's "commands" section in turn. */
#include "../runtime/runtime.h"
#include "command.h"

static int goodbye(void)
{
	print("goodbye\n");
	return 2;
}
REGISTER_COMMAND(goodbye);
