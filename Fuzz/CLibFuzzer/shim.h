#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, linked in by -sanitize=fuzzer. SwiftPM points an executable's `main` at the module's own
// entry point, so the fuzz executable keeps its main and hands the chosen target to libFuzzer from there.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
