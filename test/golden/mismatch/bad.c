/* Section-mismatch sample: normal code and data referring to __init / __exit code and data. */
__attribute__((section(".init.text"), noinline)) int setup_thing(void) { return 1; }
__attribute__((section(".init.text"), noinline)) static int local_setup(void) { return 2; }
__attribute__((section(".init.data"))) int init_table[4] = {1, 2, 3, 4};
__attribute__((section(".exit.text"), noinline)) void teardown(void) { }
int use_it(void) { return setup_thing() + local_setup(); }
int *table_ref(void) { return init_table; }
void (*exit_hook)(void) = teardown;
int (*probe_table)(void) = setup_thing;
int (*my_ops)(void) = setup_thing;
void *__param_thing = init_table;
int use_it_again(void) { return setup_thing() + 1; }
__attribute__((section(".init.text"), noinline)) int init_ok(void) { return use_it(); }
__attribute__((section(".init.text"), noinline)) void init_exit(void) { teardown(); }
__attribute__((section(".exit.text"), noinline)) int exit_init(void) { return setup_thing(); }
__attribute__((section(".meminit.text"), noinline)) int meminit_init(void) { return setup_thing(); }
__attribute__((section("___ksymtab+setup_thing"), used)) static void *const ksym_setup = setup_thing;
asm(".section __ex_table,\"a\"\n .long init_table - .\n .long use_it - .\n .long 0\n .previous");
asm(".section __ex_table,\"a\"\n .long use_it - .\n .long use_it_again - .\n .long 0\n .previous");
