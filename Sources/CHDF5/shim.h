#include <hdf5.h>
#include "read_only_driver.h"

// These HDF5 constants are macros that call H5open(), which Swift cannot import: re-export them as functions.
static inline hid_t logit_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t logit_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t logit_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t logit_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t logit_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t logit_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline unsigned logit_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned logit_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
// Silence HDF5's own printing of error stacks: failures are reported through return codes.
static inline void logit_H5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

// A variable-length UTF-8 string type, as h5py writes string attributes.
static inline hid_t logit_variable_string_type(void) {
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    return type;
}

// Whether a stored type is one of the standard numbers NumPy and h5py write: IEEE floats of 4 or 8 bytes, integers of
// 1-8 bytes, either byte order. libhdf5 1.10 converts by the type's own precision and offset unchecked, and crashed
// on a damaged file whose integer type declared bits its size does not hold (found by Fuzz/).
static inline int logit_is_standard_number(hid_t type) {
    const hid_t standard[] = {
        H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE,
        H5T_STD_I8LE, H5T_STD_I8BE, H5T_STD_I16LE, H5T_STD_I16BE, H5T_STD_I32LE, H5T_STD_I32BE,
        H5T_STD_I64LE, H5T_STD_I64BE, H5T_STD_U8LE, H5T_STD_U8BE, H5T_STD_U16LE, H5T_STD_U16BE,
        H5T_STD_U32LE, H5T_STD_U32BE, H5T_STD_U64LE, H5T_STD_U64BE,
    };
    for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++) {
        if (H5Tequal(type, standard[i]) > 0) return 1;
    }
    return 0;
}
