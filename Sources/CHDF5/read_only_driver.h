#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>

// A read-only POSIX file driver for libhdf5 1.10 that leaves out the metadata accumulator, which libhdf5's own
// drivers (sec2, core, stdio) all use. On a damaged file declaring a huge metadata block, libhdf5 1.10's accumulator
// fails to grow, keeps a NULL buffer and copies from it on the next read: a crash of the whole service on one
// uploaded file (found by Fuzz/, docs/reliability.md). Without the accumulator the same read fails as an error.
// Reads are plain pread(2); a file opened through it cannot be written. It also checks the global heaps that
// variable-length strings live in before libhdf5 walks them (logit_read_only_global_heap_is_sound).

#if H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10

typedef struct {
    H5FD_t public_part;  // first: libhdf5 sees only this
    int descriptor;
    haddr_t end_of_address;  // what libhdf5 says the file holds (the superblock's end)
    haddr_t end_of_file;     // the file's real size
    unsigned length_size;    // the superblock's "size of lengths", 8 unless it says otherwise
    dev_t device;
    ino_t inode;
} logit_read_only_file;

static H5FD_t *logit_read_only_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
    (void)fapl;
    (void)maxaddr;
    if (flags & (H5F_ACC_RDWR | H5F_ACC_TRUNC | H5F_ACC_CREAT)) return NULL;
    int descriptor = open(name, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return NULL;
    struct stat status;
    if (fstat(descriptor, &status) != 0) {
        close(descriptor);
        return NULL;
    }
    logit_read_only_file *file = calloc(1, sizeof *file);
    if (file == NULL) {
        close(descriptor);
        return NULL;
    }
    file->descriptor = descriptor;
    // The superblock at 0 (a file with a user block before it keeps the usual 8): versions 0 and 1 give the size
    // of lengths at byte 14, later ones at byte 10.
    unsigned char superblock[16];
    file->length_size = 8;
    if (pread(descriptor, superblock, sizeof superblock, 0) == (ssize_t)sizeof superblock &&
        memcmp(superblock, "\x89HDF\r\n\x1a\n", 8) == 0) {
        unsigned size = superblock[8] <= 1 ? superblock[14] : superblock[10];
        if (size == 2 || size == 4 || size == 8) file->length_size = size;
    }
    file->end_of_file = (haddr_t)status.st_size;
    file->device = status.st_dev;
    file->inode = status.st_ino;
    return &file->public_part;
}

static herr_t logit_read_only_close(H5FD_t *public_part) {
    logit_read_only_file *file = (logit_read_only_file *)public_part;
    int status = close(file->descriptor);
    free(file);
    return status == 0 ? 0 : -1;
}

// libhdf5 asks whether a file is already open: the same device and inode is the same file.
static int logit_read_only_compare(const H5FD_t *first, const H5FD_t *second) {
    const logit_read_only_file *a = (const logit_read_only_file *)first, *b = (const logit_read_only_file *)second;
    if (a->device != b->device) return a->device < b->device ? -1 : 1;
    if (a->inode != b->inode) return a->inode < b->inode ? -1 : 1;
    return 0;
}

// No feature flags, H5FD_FEAT_ACCUMULATE_METADATA above all (see the top of this file).
static herr_t logit_read_only_query(const H5FD_t *file, unsigned long *flags) {
    (void)file;
    if (flags) *flags = 0;
    return 0;
}

static haddr_t logit_read_only_get_eoa(const H5FD_t *file, H5FD_mem_t type) {
    (void)type;
    return ((const logit_read_only_file *)file)->end_of_address;
}

static herr_t logit_read_only_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t address) {
    (void)type;
    ((logit_read_only_file *)file)->end_of_address = address;
    return 0;
}

static haddr_t logit_read_only_get_eof(const H5FD_t *file, H5FD_mem_t type) {
    (void)type;
    return ((const logit_read_only_file *)file)->end_of_file;
}

static herr_t logit_read_only_get_handle(H5FD_t *file, hid_t fapl, void **handle) {
    (void)fapl;
    if (handle == NULL) return -1;
    *handle = &((logit_read_only_file *)file)->descriptor;
    return 0;
}

// Whether a whole global heap collection ("GCOL", version, 3 reserved bytes, its size, then objects of an index,
// a reference count, 4 reserved bytes, a size and the data) can be walked object by object to its end. libhdf5 1.10
// walks it by each object's size unchecked: a free-space object of size 0 never moves on (a hang, found by Fuzz/),
// and a huge size wraps the pointer. libhdf5 reads global heaps as raw data, so a read is taken for a collection
// only when it starts as one and is exactly as long as the collection says (4 KB at least); anything else passes.
static int logit_read_only_global_heap_is_sound(const unsigned char *bytes, size_t size, unsigned length_size) {
    size_t header = 8 + length_size, object_header = 8 + length_size;
    if (size < 4096 || memcmp(bytes, "GCOL\x01", 5) != 0) return 1;
    uint64_t collection = 0;
    for (unsigned i = 0; i < length_size; i++) collection |= (uint64_t)bytes[8 + i] << (8 * i);
    if (collection != size) return 1;
    size_t offset = header;
    while (offset < collection) {
        if (collection - offset < object_header) break;  // too small for an object: free space, as libhdf5 reads it
        unsigned index = (unsigned)bytes[offset] | (unsigned)bytes[offset + 1] << 8;
        uint64_t object_size = 0;
        for (unsigned i = 0; i < length_size; i++) object_size |= (uint64_t)bytes[offset + 8 + i] << (8 * i);
        if (object_size > collection - offset) return 0;
        uint64_t need = index > 0 ? object_header + ((object_size + 7) & ~(uint64_t)7) : object_size;
        if (need == 0 || need > collection - offset) return 0;
        offset += (size_t)need;
    }
    return 1;
}

// As libhdf5's sec2 driver: within the end of address, and zeros past the end of the file (but see below).
static herr_t logit_read_only_read(H5FD_t *public_part, H5FD_mem_t type, hid_t dxpl, haddr_t address, size_t size,
                                   void *buffer) {
    (void)dxpl;
    logit_read_only_file *file = (logit_read_only_file *)public_part;
    void *start = buffer;
    size_t requested = size;
    if (address == HADDR_UNDEF || address > file->end_of_address || size > file->end_of_address - address) return -1;
    // Nor far past the end of the file: libhdf5 1.10 moves the end of address to whatever a damaged driver info
    // block declares (up to 4 GB), and a 2 KB file then had gigabytes of zeros filled in (found by Fuzz/). A valid
    // file is read within its end; the slack keeps sec2's zeros for reads that overhang it a little.
    if (address + size > file->end_of_file && address + size - file->end_of_file > 65536) return -1;
    unsigned char *bytes = buffer;
    while (size > 0) {
        ssize_t count = pread(file->descriptor, bytes, size, (off_t)address);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) return -1;
        if (count == 0) {
            memset(bytes, 0, size);
            break;
        }
        bytes += count;
        address += (haddr_t)count;
        size -= (size_t)count;
    }
    if (type == H5FD_MEM_DRAW && !logit_read_only_global_heap_is_sound(start, requested, file->length_size)) return -1;
    return 0;
}

static herr_t logit_read_only_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t address, size_t size,
                                    const void *buffer) {
    (void)file, (void)type, (void)dxpl, (void)address, (void)size, (void)buffer;
    return -1;
}

static const H5FD_class_t logit_read_only_class = {
    .name = "logit_read_only",
    .maxaddr = (haddr_t)0x7fffffffffffffffULL,
    .fc_degree = H5F_CLOSE_STRONG,
    .open = logit_read_only_open,
    .close = logit_read_only_close,
    .cmp = logit_read_only_compare,
    .query = logit_read_only_query,
    .get_eoa = logit_read_only_get_eoa,
    .set_eoa = logit_read_only_set_eoa,
    .get_eof = logit_read_only_get_eof,
    .get_handle = logit_read_only_get_handle,
    .read = logit_read_only_read,
    .write = logit_read_only_write,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

// A file access property list reading through this driver, with a strong close (see HDF5.swift); callers close it.
// Registered once per process (under HDF5.swift's lock).
static inline hid_t logit_read_only_access(void) {
    static hid_t driver = -1;
    if (driver < 0) driver = H5FDregister(&logit_read_only_class);
    hid_t access = H5Pcreate(H5P_FILE_ACCESS);
    if (driver < 0 || access < 0 || H5Pset_driver(access, driver, NULL) < 0 ||
        H5Pset_fclose_degree(access, H5F_CLOSE_STRONG) < 0) {
        if (access >= 0) H5Pclose(access);
        return -1;
    }
    return access;
}

#else

// Other libhdf5 versions declare drivers differently: their own default driver, with a strong close.
static inline hid_t logit_read_only_access(void) {
    hid_t access = H5Pcreate(H5P_FILE_ACCESS);
    if (access >= 0 && H5Pset_fclose_degree(access, H5F_CLOSE_STRONG) < 0) {
        H5Pclose(access);
        return -1;
    }
    return access;
}

#endif
