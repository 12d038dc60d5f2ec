/* No mismatch: init code may call ordinary code and other init code. */
__attribute__((section(".init.text"), noinline)) int setup_thing(void) { return 1; }
int plain(void) { return 3; }
__attribute__((section(".init.text"), noinline)) int init_caller(void) { return plain() + setup_thing(); }
