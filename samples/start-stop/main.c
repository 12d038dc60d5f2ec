/* start-stop/main.c — walks a table no file defines as a whole. "commands" is a valid C name, so
 * when code refers to __start_commands or __stop_commands, GNU ld defines them at the start and end
 * of the output section "commands" (an orphan section: no linker script mentions it). */
#include "../runtime/runtime.h"
#include "command.h"

extern const struct command __start_commands[], __stop_commands[]; /* made by the linker */

int main(void)
{
	int total = 0;

	print("registered commands: ");
	print_number(__stop_commands - __start_commands);
	print("\n");
	for (const struct command *c = __start_commands; c < __stop_commands; c++) {
		print(c->name);
		print(" -> ");
		total += c->run();
	}
	return total; /* 1 + 2: both entries ran */
}
