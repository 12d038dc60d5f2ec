/* two-files/greet.c — defines the symbols main.c only declares.
 * After the link, `greeting` and `greet_count` have final addresses in .text and .data,
 * and every relocation in main.o that named them is resolved to those addresses. */

int greet_count = 1; /* initialised data: lands in .data */

const char *greeting(void)
{
	/* the string itself goes to .rodata.str1.1, a mergeable string section */
	return "hello from greet.c\n";
}
