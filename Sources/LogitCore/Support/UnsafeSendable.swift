/// Hands non-Sendable values (pointers, workspaces) to the threads of one parallel section, each of which touches only
/// its own part of them.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
