#include <png.h>

// Composite libpng macros (an OR of flags) that Swift cannot import, re-exported as functions.
// 8-bit red, green, blue, alpha: the only pixel format LogitImaging reads and writes.
static inline png_uint_32 logit_PNG_FORMAT_RGBA(void) { return PNG_FORMAT_RGBA; }
