/* mini-kernel/main.c — the C half of the mini kernel: per-CPU variables, init code and data,
 * initcalls, an exception-table search and an inline-asm extable entry, as kernel C code does.
 * Compiled with -mcmodel=kernel: absolute addresses are sign-extended 32-bit (R_X86_64_32S). */

#define __section(s) __attribute__((section(s), used))
#define __init __section(".init.text")
#define __initdata __section(".init.data")
#define DEFINE_PER_CPU(type, name) __section(".data..percpu") __typeof__(type) name

struct exception_table_entry {
	int insn, fixup, data; /* self-relative offsets, then the handler type */
};
extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* The first per-CPU object must sit at per-CPU offset 0 (the linker script ASSERTs it). */
struct fixed_percpu_data {
	char gs_base[40];
	unsigned long stack_canary;
};
__section(".data..percpu..first") struct fixed_percpu_data fixed_percpu_data;

/* Per-CPU variables: their "addresses" are offsets from 0 inside .data..percpu. */
DEFINE_PER_CPU(int, cpu_number);
DEFINE_PER_CPU(unsigned long, irq_count);
struct task { const char *comm; };
struct task init_task = { "swapper" };
DEFINE_PER_CPU(struct task *, current_task) = &init_task; /* R_X86_64_64 inside .data..percpu */

/* sorttable clears this after sorting __ex_table, so boot skips the runtime sort. */
unsigned int main_extable_sort_needed __initdata = 1;

unsigned long volatile jiffies_64;
extern unsigned long volatile jiffies; /* the linker script says: jiffies = jiffies_64 */

const char kernel_banner[] = "mini-kernel for ldplay\n";

long read_user_word(const long *src, long *dst); /* head.s */
static int extable_hits;

/* Linear search of the (sorted or not) exception table for a faulting instruction. */
const struct exception_table_entry *search_exception_tables(unsigned long addr)
{
	const struct exception_table_entry *e;

	for (e = __start___ex_table; e < __stop___ex_table; e++) /* two R_X86_64_32S */
		if ((unsigned long)&e->insn + e->insn == addr)
			return e;
	return 0;
}

/* A user access written in inline asm, with its exception-table entry emitted in C. */
int get_user_int(const int *p, int *out)
{
	int err = 0, v = 0;

	__asm__ volatile("1:	movl (%2), %1\n"
			 "2:\n"
			 "	.pushsection __ex_table, \"a\"\n"
			 "	.balign 4\n"
			 "	.long 1b - ., 2b - ., 3\n"
			 "	.popsection\n"
			 : "+r"(err), "+r"(v)
			 : "r"(p));
	*out = v;
	return err;
}

static int __init banner_init(void)
{
	return jiffies == 0 ? 0 : 1;
}

/* An initcall: a 64-bit function pointer in .initcall6.init (R_X86_64_64: recorded). */
static int (*const __initcall_banner_init)(void) __section(".initcall6.init") = banner_init;

/* Exit code is never needed in a built-in kernel: the linker script discards it. */
static void __section(".exit.text") banner_exit(void)
{
}
static void (*const __exitcall_banner_exit)(void) __section(".exitcall.exit") = banner_exit;

extern int (*const __initcall_start[])(void), (*const __initcall_end[])(void);

void __init start_kernel(void)
{
	int (*const *call)(void);
	long word;

	for (call = __initcall_start; call < __initcall_end; call++)
		(*call)();
	read_user_word((const long *)&jiffies_64, &word);
	extable_hits += search_exception_tables(word) != 0;
	for (;;)
		__asm__ volatile("hlt");
}
