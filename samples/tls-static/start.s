# tls-static/start.s — _start for a program that uses thread-local storage without libc.
# Before main() may touch a __thread variable, %fs must point at a thread control block;
# setup_tls() (tls_setup.c) builds one from the PT_TLS program header, as static libc does.
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	movq	%rsp, %rdi		# setup_tls(initial stack): argc, argv, envp, auxv
	andq	$-16, %rsp
	call	setup_tls
	testl	%eax, %eax
	jnz	1f			# no usable TLS block: exit with setup_tls's status
	call	main
1:	movl	%eax, %edi
	movl	$60, %eax		# SYS_exit
	syscall
	.size	_start, .-_start

# long write_stdout(const char *buf, unsigned long len): write(1, buf, len)
	.globl	write_stdout
	.type	write_stdout, @function
write_stdout:
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movl	$1, %edi
	movl	$1, %eax		# SYS_write
	syscall
	ret
	.size	write_stdout, .-write_stdout

	.section .note.GNU-stack,"",@progbits
