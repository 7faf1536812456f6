extension UnsafeMutablePointer {
    /// Memory for `count` values starting on a 64-byte cache line, freed with `deallocate()` like any other. Most
    /// per-thread buffers of a pass are allocated this way (see `BlockWorkspace` for the exception), so that vector
    /// loads from them do not straddle two lines more often than their layout implies and a pass's speed does not
    /// depend on where the allocator happened to put them.
    static func allocateCacheAligned(capacity count: Int) -> UnsafeMutablePointer<Pointee> {
        UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Pointee>.stride, alignment: 64)
            .bindMemory(to: Pointee.self, capacity: count)
    }
}
