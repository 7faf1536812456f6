#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

extension SIMD8<Float> {
    /// The square root of every lane, correctly rounded like `Float.squareRoot()`, in vector instructions: the
    /// standard library's `squareRoot()` of a SIMD vector takes the lanes one at a time, and a loop of
    /// `Float.squareRoot()` is not vectorised (on Linux it keeps the C library's errno behaviour for negative
    /// inputs). SSE's `sqrtps` is in every x86-64 CPU; built for AVX, the two halves become one instruction.
    @inline(__always)
    var lanewiseSquareRoot: SIMD8<Float> {
        #if arch(x86_64)
        return SIMD8(lowHalf: _mm_sqrt_ps(lowHalf), highHalf: _mm_sqrt_ps(highHalf))
        #else
        var result = self
        for lane in indices { result[lane] = self[lane].squareRoot() }
        return result
        #endif
    }
}
