# mini-kernel/head.s — the boot entry point and hand-made kernel tables, written the way
# arch/x86/kernel/head_64.S and the kernel's asm macros do it. It is linked, never run:
# the point is what the linker, sorttable and relocs make of it.

# An exception-table entry, like the kernel's _ASM_EXTABLE_TYPE(from, to, type):
# three 32-bit words (struct exception_table_entry { int insn, fixup, data; }).
# insn and fixup are self-relative (R_X86_64_PC32), so the table needs no KASLR fix-ups.
	.macro	EXTABLE from, to, type
	.pushsection __ex_table, "a"
	.balign	4
	.long	\from - .
	.long	\to - .
	.long	\type
	.popsection
	.endm

# An ORC unwind entry, as objtool would emit it: the instruction address goes to
# .orc_unwind_ip (self-relative int32), the unwind rule to .orc_unwind (6 bytes:
# s16 sp_offset, s16 bp_offset, u16 flags; 6.1 flags: sp_reg 0-3, bp_reg 4-7, type 8-9, end 10).
	.macro	ORC ip, sp_offset, flags
	.pushsection .orc_unwind_ip, "a"
	.balign	4
	.long	\ip - .
	.popsection
	.pushsection .orc_unwind, "a"
	.balign	2
	.short	\sp_offset, 0, \flags
	.popsection
	.endm

	.set	EX_TYPE_DEFAULT, 1	# fixup: jump to the fixup address
	.set	EX_TYPE_UACCESS, 3	# fixup after a faulting user access
	.set	ORC_CALL, 0x0005	# sp_reg = SP, type = CALL: return address at sp + 8
	.set	ORC_END, 0x0400		# sp_reg = UNDEFINED, end = 1: bottom of the stack

# The entry point: .head.text is placed first in .text by KEEP(*(.head.text)).
	.section .head.text, "ax"
	.globl	startup_64
	.type	startup_64, @function
startup_64:
	leaq	boot_stack_end(%rip), %rsp	# R_X86_64_PC32: position-independent, not recorded
	movq	initial_gs(%rip), %rax		# where this CPU's per-CPU copy starts
	movl	%gs:cpu_number, %ecx		# per-CPU offset, absolute R_X86_64_32S: not recorded
	leaq	cpu_number(%rip), %rdx		# PC-relative to a per-CPU symbol: relocs' inverse list
	movq	$kernel_banner, %rdi		# absolute R_X86_64_32S: recorded in the 32-bit list
	call	start_kernel			# R_X86_64_PLT32: not recorded
1:	hlt
	jmp	1b
	.size	startup_64, .-startup_64

# Accessors that may fault; their exception-table entries say where to resume.
	.text
	.globl	read_user_word		# long read_user_word(const long *src, long *dst)
	.type	read_user_word, @function
read_user_word:
.Lread:	movq	(%rdi), %rax		# may fault
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
.Lread_fault:
	movq	$-14, %rax		# -EFAULT
	ret
	.size	read_user_word, .-read_user_word

	.globl	write_user_word		# long write_user_word(long *dst, long value)
	.type	write_user_word, @function
write_user_word:
.Lwrite: movq	%rsi, (%rdi)		# may fault
	xorl	%eax, %eax
	ret
.Lwrite_fault:
	movq	$-14, %rax
	ret
	.size	write_user_word, .-write_user_word

	.globl	clear_user_word		# long clear_user_word(long *dst)
	.type	clear_user_word, @function
clear_user_word:
.Lclear: movq	$0, (%rdi)		# may fault
	xorl	%eax, %eax
	ret
.Lclear_fault:
	movq	$-14, %rax
	ret
	.size	clear_user_word, .-clear_user_word
.Ltext_end:

# Deliberately NOT in address order: the linker copies tables as they come, and
# scripts/sorttable sorts them after the link (by insn address / by ip).
	EXTABLE	.Lclear, .Lclear_fault, EX_TYPE_UACCESS
	EXTABLE	.Lread, .Lread_fault, EX_TYPE_UACCESS
	EXTABLE	.Lwrite, .Lwrite_fault, EX_TYPE_DEFAULT

	ORC	write_user_word, 8, ORC_CALL
	ORC	.Ltext_end, 0, 0		# a "weak" terminator (sp_reg undefined, end 0)
	ORC	read_user_word, 8, ORC_CALL
	ORC	startup_64, 0, ORC_END
	ORC	clear_user_word, 8, ORC_CALL

# Absolute 64-bit data: initial_gs holds a link-time address (R_X86_64_64) that KASLR must
# adjust. init_per_cpu__fixed_percpu_data is an SHN_ABS symbol from the linker script that
# relocs nevertheless relocates: its name matches the tool's S_REL list (init_per_cpu__.*).
	.data
	.balign	8
	.globl	initial_gs
initial_gs:
	.quad	init_per_cpu__fixed_percpu_data
	.globl	percpu_symbols
percpu_symbols:				# a per-CPU offset in 64 bits: R_X86_64_64, not recorded
	.quad	cpu_number

# A small boot stack in .bss.
	.bss
	.balign	16
boot_stack:
	.skip	256
boot_stack_end:

# A note, placed in .notes and described by the PT_NOTE program header.
	.section .note.ldplay, "a", @note
	.balign	4
	.long	2f - 1f			# namesz
	.long	4f - 3f			# descsz
	.long	1			# type
1:	.asciz	"ldplay"
2:	.balign	4
3:	.asciz	"mini-kernel"
4:	.balign	4

	.section .note.GNU-stack, "", @progbits
