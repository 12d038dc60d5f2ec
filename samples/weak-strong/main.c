/* weak-strong/main.c — weak definitions are defaults that a strong definition replaces.
 * The linker keeps a weak definition only when no input defines the symbol strongly,
 * and a weak *undefined* reference links even when nobody defines it: its address is 0. */
#include "../runtime/runtime.h"

/* Weak defaults: board.c overrides both with strong definitions. */
__attribute__((weak)) const char *board_name(void)
{
	return "generic board (weak default)\n";
}
__attribute__((weak)) int timeout_ms = 100;

/* Weak undefined: no input defines it, so ld resolves it to address 0. */
extern void optional_hook(void) __attribute__((weak));

int main(void)
{
	print(board_name());
	print("timeout_ms = ");
	print_number(timeout_ms);
	print("\n");
	if (optional_hook)
		optional_hook();
	else
		print("optional_hook is not linked in: its address is 0\n");
	return timeout_ms == 250 ? 0 : 1;
}
