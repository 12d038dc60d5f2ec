/* One reference from ordinary .text into .init.text: modpost's TEXT_TO_ANY_INIT. */
__attribute__((section(".init.text"), noinline)) int early_setup(void) { return 42; }
int late_caller(void) { return early_setup() + 1; }
