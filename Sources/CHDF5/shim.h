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
