/* tls-static/counter.c — uses a __thread variable defined in another file.
 * Not knowing where `hits` will be, gcc uses the initial-exec model: it loads the offset
 * from a GOT slot, `movq hits@gottpoff(%rip), %rax` (R_X86_64_GOTTPOFF). In an executable
 * the offset is a link-time constant, so ld relaxes this to `movq $offset, %rax` (TPOFF32). */

extern __thread int hits;

void record_hit(void)
{
	hits++; /* addl $1, %fs:(%rax) */
}
