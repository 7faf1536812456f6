/// Soft-thresholding, the proximal step of `threshold * |value|`: `value` moved `threshold` towards 0, and exactly 0
/// when it lies within the threshold. This is how the L1 penalty makes weights exactly 0.
@inline(__always)
func softThreshold(_ value: Float, by threshold: Float) -> Float {
    value > threshold ? value - threshold : (value < -threshold ? value + threshold : 0)
}

/// Soft-thresholds every value of `values` (a no-op for a threshold of 0).
@inline(__always)
func softThreshold(_ values: UnsafeMutableBufferPointer<Float>, by threshold: Float) {
    guard threshold > 0 else { return }
    for i in values.indices { values[i] = softThreshold(values[i], by: threshold) }
}
