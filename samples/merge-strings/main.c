/* merge-strings/main.c — string literals go to .rodata.str1.1, a section flagged
 * SHF_MERGE | SHF_STRINGS (entsize 1). The linker may keep one copy of equal strings, and
 * GNU ld also shares a string that is the tail of a longer one ("strings\n" inside
 * "merge equal strings\n"). Comparing pointers across files shows what it did. */
#include "../runtime/runtime.h"

const char *other_message(void); /* other.c: the same literal as below */
const char *other_tail(void);    /* other.c: a suffix of it */

int main(void)
{
	const char *mine = "merge equal strings\n";
	const char *theirs = other_message();
	const char *tail = other_tail();

	print(mine);
	print(mine == theirs ? "one copy: both files point at the same bytes\n"
			     : "two copies of the same string\n");
	print(tail == mine + 12 ? "the suffix shares the longer string's tail\n"
				: "the suffix is stored separately\n");
	return 0;
}
