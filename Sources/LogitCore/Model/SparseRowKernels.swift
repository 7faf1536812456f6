/// The kernels of a layer whose input row is given as its non-zero entries, with the layer's weights feature-major
/// (one row of `width` outputs per input feature): the forward pass adds up one weight row per entry, the backward
/// pass adds each entry's scaled derivatives into its gradient row. An entry is an offset into the table (the
/// feature times `width`) and its value. MNIST rows have ~150 non-zero pixels of 784, so both touch a fifth of the
/// weights a dense product would.
///
/// The outputs go in chunks of 64 (eight 8-lane vectors held in registers across all the entries), then of 8, then
/// one at a time; plain multiplies and adds rather than fused ones, so a build for the x86-64 baseline (no FMA
/// instruction) runs them at full speed too.
enum SparseRowKernels {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// out[u] = bias[u] + sum over entries e of values[e] * table[offsets[e] + u], for u in 0..<width.
    @inline(__always)
    static func gatherSum(table: UnsafePointer<Float>, offsets: UnsafePointer<Int>, values: UnsafePointer<Float>,
                          count: Int, bias: UnsafePointer<Float>, width: Int, into out: UnsafeMutablePointer<Float>) {
        var u = 0
        while u + 64 <= width {
            var a0 = load(bias + u), a1 = load(bias + u + 8), a2 = load(bias + u + 16), a3 = load(bias + u + 24)
            var a4 = load(bias + u + 32), a5 = load(bias + u + 40), a6 = load(bias + u + 48), a7 = load(bias + u + 56)
            for e in 0..<count {
                let v = SIMD8<Float>(repeating: values[e])
                let row = table + offsets[e] + u
                a0 += v * load(row)
                a1 += v * load(row + 8)
                a2 += v * load(row + 16)
                a3 += v * load(row + 24)
                a4 += v * load(row + 32)
                a5 += v * load(row + 40)
                a6 += v * load(row + 48)
                a7 += v * load(row + 56)
            }
            store(a0, out + u); store(a1, out + u + 8); store(a2, out + u + 16); store(a3, out + u + 24)
            store(a4, out + u + 32); store(a5, out + u + 40); store(a6, out + u + 48); store(a7, out + u + 56)
            u += 64
        }
        while u + 8 <= width {
            var a = load(bias + u)
            for e in 0..<count { a += SIMD8<Float>(repeating: values[e]) * load(table + offsets[e] + u) }
            store(a, out + u)
            u += 8
        }
        while u < width {
            var a = bias[u]
            for e in 0..<count { a += values[e] * table[offsets[e] + u] }
            out[u] = a
            u += 1
        }
    }

    /// table[offsets[e] + u] += values[e] * delta[u], for every entry e and u in 0..<width.
    @inline(__always)
    static func scatterAdd(delta: UnsafePointer<Float>, width: Int, offsets: UnsafePointer<Int>,
                           values: UnsafePointer<Float>, count: Int, into table: UnsafeMutablePointer<Float>) {
        var u = 0
        while u + 64 <= width {
            let d0 = load(delta + u), d1 = load(delta + u + 8), d2 = load(delta + u + 16), d3 = load(delta + u + 24)
            let d4 = load(delta + u + 32), d5 = load(delta + u + 40), d6 = load(delta + u + 48), d7 = load(delta + u + 56)
            for e in 0..<count {
                let v = SIMD8<Float>(repeating: values[e])
                let row = table + offsets[e] + u
                store(load(row) + v * d0, row)
                store(load(row + 8) + v * d1, row + 8)
                store(load(row + 16) + v * d2, row + 16)
                store(load(row + 24) + v * d3, row + 24)
                store(load(row + 32) + v * d4, row + 32)
                store(load(row + 40) + v * d5, row + 40)
                store(load(row + 48) + v * d6, row + 48)
                store(load(row + 56) + v * d7, row + 56)
            }
            u += 64
        }
        while u + 8 <= width {
            let d = load(delta + u)
            for e in 0..<count {
                let row = table + offsets[e] + u
                store(load(row) + SIMD8<Float>(repeating: values[e]) * d, row)
            }
            u += 8
        }
        while u < width {
            let d = delta[u]
            for e in 0..<count { table[offsets[e] + u] += values[e] * d }
            u += 1
        }
    }
}
