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
// variable-length strings live in before libhdf5 walks them (logit_read_only_global_heap_is_sound), the free lists
// of local heaps (logit_read_only_local_heap_is_sound), attribute messages of object headers
// (logit_read_only_object_header_is_sound), and each
// variable-length string against its heap object before libhdf5 converts it (logit_checked_string_conversion).

#if H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10

typedef struct {
    H5FD_t public_part;  // first: libhdf5 sees only this
    int descriptor;
    haddr_t end_of_address;  // what libhdf5 says the file holds (the superblock's end)
    haddr_t end_of_file;     // the file's real size
    unsigned length_size;    // the superblock's "size of lengths", 8 unless it says otherwise
    unsigned offset_size;    // its "size of offsets" (addresses), 8 unless it says otherwise
    haddr_t base;            // where the superblock is (after a user block): the file's addresses count from it
    dev_t device;
    ino_t inode;
} logit_read_only_file;

// The file opened last and not yet closed. HDF5.swift opens one file at a time, under its lock, so this is the file
// whose strings libhdf5 converts (logit_checked_string_conversion).
static logit_read_only_file *logit_read_only_latest = NULL;

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
    // The superblock is at 0 or after a user block (512, 1024, 2048, ... bytes); versions 0 and 1 give the sizes of
    // offsets and lengths at bytes 13 and 14, later ones at 9 and 10. Without one, libhdf5 refuses the file.
    file->length_size = 8;
    file->offset_size = 8;
    for (off_t base = 0; base + 16 <= status.st_size; base = base == 0 ? 512 : base * 2) {
        unsigned char superblock[16];
        if (pread(descriptor, superblock, sizeof superblock, base) != (ssize_t)sizeof superblock) break;
        if (memcmp(superblock, "\x89HDF\r\n\x1a\n", 8) != 0) continue;
        unsigned size = superblock[8] <= 1 ? superblock[14] : superblock[10];
        if (size == 2 || size == 4 || size == 8) file->length_size = size;
        unsigned offsets = superblock[8] <= 1 ? superblock[13] : superblock[9];
        if (offsets == 2 || offsets == 4 || offsets == 8) file->offset_size = offsets;
        file->base = (haddr_t)base;
        break;
    }
    file->end_of_file = (haddr_t)status.st_size;
    file->device = status.st_dev;
    file->inode = status.st_ino;
    logit_read_only_latest = file;
    return &file->public_part;
}

static herr_t logit_read_only_close(H5FD_t *public_part) {
    logit_read_only_file *file = (logit_read_only_file *)public_part;
    if (logit_read_only_latest == file) logit_read_only_latest = NULL;
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

static uint64_t logit_little_endian(const unsigned char *bytes, unsigned count) {
    uint64_t value = 0;
    for (unsigned i = 0; i < count; i++) value |= (uint64_t)bytes[i] << (8 * i);
    return value;
}

// Walks a whole global heap collection ("GCOL", version, 3 reserved bytes, its size, then objects of an index, a
// reference count, 4 reserved bytes, a size and the data) object by object to its end, looking for the object
// `wanted` (an index above 0; 0 looks for none). libhdf5 1.10 walks it by each object's size unchecked: a free-space
// object of size 0 never moves on (a hang, found by Fuzz/), a huge size wraps the pointer, and of two objects of
// one index the last wins (a string read with a size of petabytes, found by Fuzz/). -1 when it cannot be walked or
// holds `wanted` twice, 1 with the object's size when `wanted` is there once, else 0.
static int logit_global_heap_walk(const unsigned char *bytes, uint64_t collection, unsigned length_size,
                                  unsigned wanted, uint64_t *wanted_size) {
    size_t header = 8 + length_size, object_header = 8 + length_size;
    size_t offset = header;
    int found = 0;
    while (offset < collection) {
        if (collection - offset < object_header) break;  // too small for an object: free space, as libhdf5 reads it
        unsigned index = (unsigned)bytes[offset] | (unsigned)bytes[offset + 1] << 8;
        uint64_t object_size = logit_little_endian(bytes + offset + 8, length_size);
        if (object_size > collection - offset) return -1;
        uint64_t need = index > 0 ? object_header + ((object_size + 7) & ~(uint64_t)7) : object_size;
        if (need == 0 || need > collection - offset) return -1;
        if (wanted > 0 && index == wanted) {
            if (found) return -1;
            *wanted_size = object_size;
            found = 1;
        }
        offset += (size_t)need;
    }
    return found;
}

// Whether a read is a global heap collection that can be walked to its end. libhdf5 reads global heaps as raw data,
// so a read is taken for a collection only when it starts as one and is exactly as long as the collection says (4 KB
// at least); anything else passes. A larger collection arrives as 4 KB and then the rest, so only the strings'
// check (logit_read_only_string_is_sound, before libhdf5 loads the heap) sees it whole.
static int logit_read_only_global_heap_is_sound(const unsigned char *bytes, size_t size, unsigned length_size) {
    if (size < 4096 || memcmp(bytes, "GCOL\x01", 5) != 0) return 1;
    uint64_t collection = logit_little_endian(bytes + 8, length_size);
    if (collection != size) return 1;
    return logit_global_heap_walk(bytes, collection, length_size, 0, NULL) >= 0;
}

// The `size` bytes at `address` of the file, read whole into memory the caller frees: what the checks below walk,
// however libhdf5 splits its own reads. NULL when the file does not hold them or they cannot be read.
static unsigned char *logit_read_only_copy(const logit_read_only_file *file, uint64_t address, uint64_t size) {
    if (address > file->end_of_file || size > file->end_of_file - address) return NULL;
    unsigned char *bytes = malloc(size ? (size_t)size : 1);
    if (bytes != NULL && pread(file->descriptor, bytes, (size_t)size, (off_t)address) != (ssize_t)size) {
        free(bytes);
        return NULL;
    }
    return bytes;
}

// Whether a read that starts with a local heap (a group's link names: "HEAP", version 0, 3 reserved bytes, the data
// segment's size, the offset of the first free block, the data segment's address) has a free list that ends. Each
// free block starts with the offset of the next (1: none) and its own size. libhdf5 1.10 follows the list
// unchecked, allocating as it goes: a list that loops back took gigabytes until it failed (found by Fuzz/). The
// data segment is read here whole, however libhdf5 splits its own reads of it.
static int logit_read_only_local_heap_is_sound(const logit_read_only_file *file, const unsigned char *bytes,
                                               size_t size) {
    unsigned lengths = file->length_size, offsets = file->offset_size;
    if (size < 8 + 2 * (size_t)lengths + offsets || memcmp(bytes, "HEAP\0", 5) != 0) return 1;
    uint64_t data_size = logit_little_endian(bytes + 8, lengths);
    uint64_t block = logit_little_endian(bytes + 8 + lengths, lengths);
    uint64_t address = logit_little_endian(bytes + 8 + 2 * lengths, offsets) + file->base;
    if (block == 1) return 1;  // no free block
    unsigned char *data = logit_read_only_copy(file, address, data_size);
    if (data == NULL) return 0;
    int sound = 1;
    // Free blocks do not overlap and each holds its two fields: more of them than fit is a loop.
    for (uint64_t count = 0; block != 1; count++) {
        if (block > data_size || data_size - block < 2 * (uint64_t)lengths || count > data_size / (2 * lengths)) {
            sound = 0;
            break;
        }
        block = logit_little_endian(data + block, lengths);
    }
    free(data);
    return sound;
}

// Whether an attribute's datatype (a class and version byte, 3 bytes of class bits, its size, then its properties)
// is one libhdf5 1.10 decodes safely within `length` bytes. Its decoders trust the names and sizes inside a type: an
// enum whose member name had no terminator was read past the header by strdup (found by Fuzz/). Numbers, strings,
// bitfields, times and references hold no names; an enum must be of integers with terminated names and its values in
// the field; a variable-length type must be of bytes (a string's characters); compound, opaque and array types, which
// Logit never reads, are refused rather than trusted.
static int logit_attribute_datatype_is_sound(const unsigned char *type, size_t length) {
    if (length < 8) return 0;
    unsigned kind = type[0] & 0x0F, version = type[0] >> 4;
    switch (kind) {
    case 0: case 1: case 2: case 3: case 4: case 7:
        return 1;
    case 9:  // variable length: its base follows the 8 bytes, and must be a plain byte
        return length >= 16 && ((type[8] & 0x0F) == 0 || (type[8] & 0x0F) == 3) && logit_little_endian(type + 12, 4) == 1;
    case 8: {  // enum: the base type (an integer: 8 bytes and 4 of properties), the names, then the values
        size_t members = (size_t)type[1] | (size_t)type[2] << 8, offset = 8 + 12;
        if (length < offset || (type[8] & 0x0F) != 0) return 0;
        uint64_t base_size = logit_little_endian(type + 12, 4);
        for (size_t i = 0; i < members; i++) {
            if (offset >= length) return 0;
            const unsigned char *end = memchr(type + offset, 0, length - offset);
            if (end == NULL) return 0;
            size_t name = (size_t)(end - (type + offset)) + 1;
            offset += version < 3 ? (name + 7) & ~(size_t)7 : name;
        }
        return offset <= length && (base_size == 0 || members <= (length - offset) / base_size);
    }
    default:
        return 0;
    }
}

// Whether an attribute message (after its version: the sizes of its name, datatype and dataspace, those three, then
// the value) holds what it declares: the three within the message, a terminated name, and a value of the dataspace's
// elements times the datatype's size within what is left. A variable-length type must have its stored size (4 +
// address size + 4 bytes): libhdf5 sizes the value by the declared size, then reads the stored one.
static int logit_attribute_message_is_sound(const logit_read_only_file *file, const unsigned char *message,
                                            size_t length) {
    if (length < 8 || message[0] < 1 || message[0] > 3) return 0;
    size_t header = message[0] == 3 ? 9 : 8;
    size_t name = (size_t)message[2] | (size_t)message[3] << 8;
    size_t datatype = (size_t)message[4] | (size_t)message[5] << 8;
    size_t dataspace = (size_t)message[6] | (size_t)message[7] << 8;
    size_t name_field = name, datatype_field = datatype, dataspace_field = dataspace;
    if (message[0] == 1) {  // version 1 pads each to 8 bytes
        name_field = (name + 7) & ~(size_t)7;
        datatype_field = (datatype + 7) & ~(size_t)7;
        dataspace_field = (dataspace + 7) & ~(size_t)7;
    }
    if (name == 0 || header + name_field + datatype_field + dataspace_field > length || datatype < 8 ||
        dataspace < 4 || memchr(message + header, 0, name) == NULL) {
        return 0;
    }
    const unsigned char *type = message + header + name_field, *space = type + datatype_field;
    // Versions 2 and 3 may share the type or the space (flag bits 0 and 1): the field is then a reference to it.
    if (message[0] >= 2 && (message[1] & 3)) return 1;
    if (!logit_attribute_datatype_is_sound(type, datatype)) return 0;
    uint64_t element_size = logit_little_endian(type + 4, 4);
    if ((type[0] & 0x0F) == 9 && element_size != 4 + (uint64_t)file->offset_size + 4) return 0;
    // The dataspace: version 1 has its sizes from byte 8, version 2 from byte 4 after a kind (0 scalar, 2 empty).
    unsigned rank = space[1];
    size_t dimensions = space[0] == 1 ? 8 : 4;
    if (space[0] < 1 || space[0] > 2 || dimensions + (size_t)rank * file->length_size > dataspace) return 0;
    uint64_t elements = space[0] == 2 && space[3] == 2 ? 0 : 1;
    for (unsigned i = 0; i < rank && elements > 0; i++) {
        uint64_t extent = logit_little_endian(space + dimensions + (size_t)i * file->length_size, file->length_size);
        if (extent != 0 && elements > UINT64_MAX / extent) return 0;
        elements *= extent;
    }
    size_t value = length - header - name_field - datatype_field - dataspace_field;
    if (element_size != 0 && elements > value / element_size) return 0;
    return 1;
}

// Walks object header messages of version 1 (a type and a size of 2 bytes each, flags, 3 reserved bytes, then the
// message) filling `size` bytes exactly. 1 when they do and every attribute message holds what it declares, 0 when
// they do and one does not, -1 when the bytes are not such a run of messages. libhdf5 1.10 decodes an attribute's
// name, type, space and value one after another by their declared sizes without checking them against the message:
// a space declared 65,528 bytes long in a 64-byte message had the value copied from beyond the header, and a
// variable-length type declared 4 bytes long had 16 read from a 4-byte value (read overflows, found by Fuzz/).
static int logit_object_header_messages_are_sound(const logit_read_only_file *file, const unsigned char *bytes,
                                                  size_t size) {
    size_t offset = 0;
    int attributes_sound = 1;
    while (offset < size) {
        if (size - offset < 8) return -1;
        unsigned type = (unsigned)bytes[offset] | (unsigned)bytes[offset + 1] << 8;
        size_t length = (size_t)bytes[offset + 2] | (size_t)bytes[offset + 3] << 8;
        if (length > size - offset - 8) return -1;
        // An attribute (0x000C) stored in the header, not shared elsewhere (flag bit 1).
        if (type == 0x000C && !(bytes[offset + 4] & 2) &&
            !logit_attribute_message_is_sound(file, bytes + offset + 8, length)) {
            attributes_sound = 0;
        }
        offset += 8 + length;
    }
    return attributes_sound;
}

// Whether a read of an object header (version 1: a 16-byte prefix of version 1, a reserved byte, the number of
// messages, a reference count and the first chunk's size, then that chunk's messages) or of one of its continuation
// chunks (messages only) holds attribute messages that hold what they declare. Bytes that are neither pass: only a
// layout libhdf5 would take is judged. The first chunk is read here whole, however libhdf5 splits its reads.
static int logit_read_only_object_header_is_sound(const logit_read_only_file *file, haddr_t address,
                                                  const unsigned char *bytes, size_t size) {
    if (logit_object_header_messages_are_sound(file, bytes, size) == 0) return 0;
    if (size < 16 || bytes[0] != 1 || bytes[1] != 0) return 1;
    uint64_t chunk = logit_little_endian(bytes + 8, 4);
    if (chunk == 0 || address + 16 > file->end_of_file || chunk > file->end_of_file - address - 16) return 1;
    unsigned char *messages = logit_read_only_copy(file, address + 16, chunk);
    if (messages == NULL) return 0;
    int sound = logit_object_header_messages_are_sound(file, messages, (size_t)chunk) != 0;
    free(messages);
    return sound;
}

// As libhdf5's sec2 driver: within the end of address, and zeros past the end of the file (but see below).
static herr_t logit_read_only_read(H5FD_t *public_part, H5FD_mem_t type, hid_t dxpl, haddr_t address, size_t size,
                                   void *buffer) {
    (void)dxpl;
    logit_read_only_file *file = (logit_read_only_file *)public_part;
    void *start = buffer;
    size_t requested = size;
    haddr_t start_address = address;
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
    if (type != H5FD_MEM_DRAW && !logit_read_only_local_heap_is_sound(file, start, requested)) return -1;
    if (type == H5FD_MEM_OHDR && !logit_read_only_object_header_is_sound(file, start_address, start, requested)) {
        return -1;
    }
    return 0;
}

static herr_t logit_read_only_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t address, size_t size,
                                    const void *buffer) {
    (void)file, (void)type, (void)dxpl, (void)address, (void)size, (void)buffer;
    return -1;
}

// Whether a variable-length string as stored in a file (its length, then the address of a global heap collection
// and an object's index in it) names a heap object of exactly that length. libhdf5 1.10 allocates (and zeroes) the
// declared length before it reads the object, then copies the whole object into that buffer: a 9 KB file declaring
// 2.27 GB took gigabytes, and one declaring less than its object overflowed the buffer (both found by Fuzz/).
static int logit_read_only_string_is_sound(const logit_read_only_file *file, const unsigned char *element,
                                           size_t element_size) {
    if (element_size < 4 + 2 + 4 || element_size - 8 > 8) return 0;
    uint64_t length = logit_little_endian(element, 4);
    if (length == 0) return 1;  // the empty string: libhdf5 reads no heap object for it
    unsigned address_size = (unsigned)(element_size - 8);
    uint64_t address = logit_little_endian(element + 4, address_size) + file->base;
    uint64_t wanted = logit_little_endian(element + 4 + address_size, 4);
    unsigned char header[16];
    size_t header_size = 8 + file->length_size;
    if (wanted == 0 || address >= file->end_of_file || file->end_of_file - address < header_size ||
        pread(file->descriptor, header, header_size, (off_t)address) != (ssize_t)header_size ||
        memcmp(header, "GCOL\x01", 5) != 0) {
        return 0;
    }
    uint64_t collection = logit_little_endian(header + 8, file->length_size);
    if (collection < header_size) return 0;
    unsigned char *bytes = logit_read_only_copy(file, address, collection);
    if (bytes == NULL) return 0;
    uint64_t object_size = 0;
    int sound = wanted <= 0xffff && logit_global_heap_walk(bytes, collection, file->length_size, (unsigned)wanted,
                                                           &object_size) == 1 && object_size == length;
    free(bytes);
    return sound;
}

// libhdf5's own conversion of variable-length data (found through H5Tfind in logit_check_strings).
static H5T_conv_t logit_library_vlen_conversion = NULL;

// A soft conversion libhdf5 prefers, for stored variable-length strings only (a stored one is 4 + address size + 4
// bytes, a C string pointer 8): it checks every string against its heap object, then lets libhdf5 convert.
static herr_t logit_checked_string_conversion(hid_t source, hid_t destination, H5T_cdata_t *data, size_t count,
                                              size_t stride, size_t background_stride, void *buffer,
                                              void *background, hid_t transfer) {
    // Freeing the path (at the library's close too, when the types may be gone): libhdf5's own work only.
    if (data->command == H5T_CONV_FREE) {
        return logit_library_vlen_conversion(source, destination, data, count, stride, background_stride, buffer,
                                             background, transfer);
    }
    size_t source_size = H5Tget_size(source);
    if (data->command == H5T_CONV_INIT &&
        !(H5Tis_variable_str(source) > 0 && H5Tis_variable_str(destination) > 0 && source_size != sizeof(char *))) {
        return -1;  // not a stored string: libhdf5 tries its own conversion
    }
    if (data->command == H5T_CONV_CONV) {
        // A string's characters are bytes; libhdf5 multiplies the length by the stored character size unchecked (a
        // damaged file declaring 4 GB characters had 12 GB asked for, found by Fuzz/).
        hid_t character = H5Tget_super(source);
        size_t character_size = character >= 0 ? H5Tget_size(character) : 0;
        if (character >= 0) H5Tclose(character);
        if (character_size != 1) return -1;
        const logit_read_only_file *file = logit_read_only_latest;
        size_t step = stride ? stride : source_size;
        for (size_t i = 0; i < count; i++) {
            if (file == NULL || !logit_read_only_string_is_sound(file, (const unsigned char *)buffer + i * step,
                                                                 source_size)) {
                return -1;
            }
        }
    }
    return logit_library_vlen_conversion(source, destination, data, count, stride, background_stride, buffer,
                                         background, transfer);
}

// Puts logit_checked_string_conversion in front of libhdf5's conversion of variable-length data, once.
static int logit_check_strings(void) {
    static int registered = 0;
    if (registered) return 0;
    hid_t integers = H5Tvlen_create(H5T_NATIVE_INT), doubles = H5Tvlen_create(H5T_NATIVE_DOUBLE);
    hid_t strings = H5Tcopy(H5T_C_S1);
    H5T_cdata_t *data = NULL;
    int status = -1;
    if (integers >= 0 && doubles >= 0 && strings >= 0 && H5Tset_size(strings, H5T_VARIABLE) >= 0) {
        logit_library_vlen_conversion = H5Tfind(integers, doubles, &data);
        if (logit_library_vlen_conversion != NULL &&
            H5Tregister(H5T_PERS_SOFT, "logit_checked_strings", strings, strings,
                        logit_checked_string_conversion) >= 0) {
            registered = 1;
            status = 0;
        }
    }
    if (integers >= 0) H5Tclose(integers);
    if (doubles >= 0) H5Tclose(doubles);
    if (strings >= 0) H5Tclose(strings);
    return status;
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
// Registered once per process (under HDF5.swift's lock), with the check of stored strings.
static inline hid_t logit_read_only_access(void) {
    static hid_t driver = -1;
    if (driver < 0) driver = H5FDregister(&logit_read_only_class);
    hid_t access = H5Pcreate(H5P_FILE_ACCESS);
    if (driver < 0 || logit_check_strings() < 0 || access < 0 || H5Pset_driver(access, driver, NULL) < 0 ||
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
