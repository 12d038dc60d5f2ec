# runtime/start.s — the whole "C runtime" of the runnable samples: no libc at all.
# _start calls main() and hands its return value to exit(2); write_stdout() wraps write(2).
# Follows the x86-64 psABI process entry (argc at %rsp, %rbp = 0) and Linux syscall numbers.
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		# outermost frame: no caller
	andq	$-16, %rsp		# the psABI wants a 16-byte aligned stack at every call
	call	main			# R_X86_64_PLT32 against the undefined symbol main
	movl	%eax, %edi		# exit status = main's return value
	movl	$60, %eax		# SYS_exit
	syscall
	.size	_start, .-_start

# long write_stdout(const char *buf, unsigned long len): write(1, buf, len)
	.globl	write_stdout
	.type	write_stdout, @function
write_stdout:
	movq	%rsi, %rdx		# len
	movq	%rdi, %rsi		# buf
	movl	$1, %edi		# fd 1 = stdout
	movl	$1, %eax		# SYS_write
	syscall
	ret
	.size	write_stdout, .-write_stdout

	.section .note.GNU-stack,"",@progbits	# no executable stack needed
