/* gc-sections/main.c — compiled with -ffunction-sections -fdata-sections, so every function
 * and variable gets its own input section (.text.used_path, .data.lookup_table, ...).
 * With --gc-sections, ld keeps only sections reachable through relocations from the entry
 * point (_start) and drops the rest: unused_helper and big_table vanish from the output. */
#include "../runtime/runtime.h"

int lookup_table[4] = { 1, 2, 3, 4 }; /* .data.lookup_table: referenced, kept */
int big_table[256] = { 1 };           /* .data.big_table: never referenced, collected */

int used_path(int i)                  /* .text.used_path: called from main, kept */
{
	return lookup_table[i] * 10;
}

int unused_helper(int i)              /* .text.unused_helper: nobody calls it, collected */
{
	return big_table[i] + used_path(i);
}

int main(void)
{
	print("used_path(3) = ");
	print_number(used_path(3));
	print("\n");
	return 0;
}
