/* weak-strong/board.c — strong (STB_GLOBAL) definitions of symbols main.c defines weakly.
 * A strong definition beats a weak one regardless of link order; two strong definitions
 * of one symbol would be a "multiple definition" error instead. */

const char *board_name(void)
{
	return "my board (strong definition from board.c)\n";
}

int timeout_ms = 250;
