/* merge-strings/other.c — literals equal to (or a suffix of) main.c's.
 * Each object has its own .rodata.str1.1; only the linker can merge across files. */

const char *other_message(void)
{
	return "merge equal strings\n";
}

const char *other_tail(void)
{
	return "strings\n";
}
