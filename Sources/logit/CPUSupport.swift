import Foundation

/// The CPU features the numeric targets were compiled for (`LOGIT_MARCH`, see Package.swift), checked before any of
/// their code runs: on a CPU without them the process would otherwise die of SIGILL with no word of why.
/// This file is compiled for the baseline, like the rest of the executable, so the check itself runs anywhere.
enum CPUSupport {
    /// The `/proc/cpuinfo` flag names the build needs, with the level they make up.
    static var required: (level: String, flags: [String]) {
        #if LOGIT_MARCH_X86_64_V4
        return ("x86-64-v4", ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"])
        #elseif LOGIT_MARCH_X86_64_V3
        return ("x86-64-v3", ["avx2", "fma"])
        #else
        return ("x86-64", [])
        #endif
    }

    /// The required flags missing from a `/proc/cpuinfo` text (its first `flags` line), in the order required.
    static func missing(_ required: [String], cpuInfo: String) -> [String] {
        guard let line = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return required }
        let present = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return required.filter { !present.contains($0) }
    }

    /// Exits with status 1 and a message naming what is missing, and how to rebuild, when this CPU cannot run the
    /// build. Where `/proc/cpuinfo` cannot be read (not Linux), it trusts the build.
    static func exitUnlessSupported() {
        let (level, flags) = required
        guard !flags.isEmpty,
              let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        else { return }
        let lacking = missing(flags, cpuInfo: cpuInfo)
        guard !lacking.isEmpty else { return }
        FileHandle.standardError.write(Data("""
            logit: this build needs an \(level) CPU, and this CPU lacks \(lacking.joined(separator: ", ")). \
            Rebuild for it with LOGIT_MARCH=x86-64 (make build LOGIT_MARCH=x86-64), or LOGIT_MARCH=x86-64-v3 \
            if it has AVX2 and FMA.

            """.utf8))
        exit(1)
    }
}
