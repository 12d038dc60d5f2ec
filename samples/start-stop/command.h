/* start-stop/command.h — a registration table built by the linker, as the kernel builds its
 * initcall and __param tables: each file drops a `struct command` into the section "commands";
 * GNU ld concatenates them and defines __start_commands / __stop_commands around the result. */
#ifndef START_STOP_COMMAND_H
#define START_STOP_COMMAND_H

struct command {
	const char *name;
	int (*run)(void);
};

/* Places one entry in the "commands" section; `used` keeps it although nothing names it. */
#define REGISTER_COMMAND(fn) \
	static const struct command command_##fn \
		__attribute__((section("commands"), used, aligned(8))) = { #fn, fn }

#endif
