import CLibFuzzer
import Foundation

// `logit-fuzz TARGET [libFuzzer flags] [corpus folders]` under libFuzzer (the -DLOGIT_FUZZ build of make fuzz);
// `logit-fuzz TARGET FILE|FOLDER...` replays saved inputs in a plain build; `logit-fuzz make-seeds FOLDER` writes
// the binary seed files of Fuzz/corpus. The target can also come from LOGIT_FUZZ_TARGET, which libFuzzer's child
// processes (-merge) inherit.
var arguments = CommandLine.arguments
if arguments.count >= 3, arguments[1] == "make-seeds" {
    do {
        try Seeds.write(to: arguments[2])
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("make-seeds: \(error)\n".utf8))
        exit(1)
    }
}
if arguments.count >= 2, FuzzTargets.all[arguments[1]] != nil {
    setenv("LOGIT_FUZZ_TARGET", arguments[1], 1)
    arguments.remove(at: 1)
}
guard let name = ProcessInfo.processInfo.environment["LOGIT_FUZZ_TARGET"], let target = FuzzTargets.all[name] else {
    let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: logit-fuzz TARGET [inputs...], TARGET one of \(names)\n".utf8))
    exit(2)
}
FuzzTargets.chosen = target

#if LOGIT_FUZZ
var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = CInt(arguments.count)
let status = argv.withUnsafeMutableBufferPointer { buffer in
    var pointer = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &pointer) { data, size in
        FuzzTargets.chosen(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
}
exit(status)
#else
var replayed = 0
for path in arguments.dropFirst() {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        FileHandle.standardError.write(Data("no such file: \(path)\n".utf8))
        exit(1)
    }
    let files = isFolder.boolValue
        ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
    for file in files {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes.withUnsafeBytes { target($0) }
        replayed += 1
    }
}
print("\(name): \(replayed) inputs replayed, no finding")
#endif
