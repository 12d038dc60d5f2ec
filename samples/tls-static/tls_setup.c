/* tls-static/tls_setup.c — the runtime half of TLS: make %fs point at a thread control block.
 * x86-64 uses TLS "variant II": the TLS block sits just below the TCB, so a variable's
 * offset from %fs (what the linker computes for TPOFF32) is negative. Not a full libc: one thread. */

struct program_header { /* Elf64_Phdr */
	unsigned int type, flags;
	unsigned long offset, vaddr, paddr, filesz, memsz, align;
};

enum { AT_PHDR = 3, AT_PHNUM = 5, PT_TLS = 7, SYS_arch_prctl = 158, ARCH_SET_FS = 0x1002 };

/* One thread's TLS block followed by its TCB (the TCB is 64 bytes at the end). */
static unsigned char thread_area[512] __attribute__((aligned(64)));

/* Finds PT_TLS through the auxiliary vector, copies .tdata, zeroes .tbss, sets %fs. */
int setup_tls(unsigned long *sp)
{
	unsigned long *p = sp + 1 + sp[0] + 1; /* skip argc, argv[], NULL */
	const struct program_header *ph = 0;
	unsigned long count = 0, i;

	while (*p) /* skip envp[] */
		p++;
	for (p++; p[0]; p += 2) {
		if (p[0] == AT_PHDR)
			ph = (const struct program_header *)p[1];
		else if (p[0] == AT_PHNUM)
			count = p[1];
	}
	if (!ph) /* the kernel passes AT_PHDR only when a PT_LOAD maps the headers */
		return 124;
	unsigned long tcb = (unsigned long)thread_area + sizeof thread_area - 64;
	for (i = 0; i < count; i++) {
		if (ph[i].type != PT_TLS)
			continue;
		unsigned long align = ph[i].align ? ph[i].align : 1;
		unsigned long size = (ph[i].memsz + align - 1) & -align; /* TLS block size */
		if (size > tcb - (unsigned long)thread_area || align > 64)
			return 126;
		unsigned char *block = (unsigned char *)(tcb - size);
		const unsigned char *image = (const unsigned char *)ph[i].vaddr;
		for (unsigned long j = 0; j < size; j++) /* .tdata image, then .tbss zeros */
			block[j] = j < ph[i].filesz ? image[j] : 0;
	}
	*(unsigned long *)tcb = tcb; /* psABI: %fs:0 holds the TCB's own address */
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(SYS_arch_prctl), "D"(ARCH_SET_FS), "S"(tcb)
			 : "rcx", "r11", "memory");
	return ret == 0 ? 0 : 125;
}
