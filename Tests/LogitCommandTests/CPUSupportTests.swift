import Foundation
import Testing
@testable import logit

@Suite struct CPUSupportTests {
    private let zen3 = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        flags\t\t: fpu vme sse sse2 avx avx2 fma bmi1 bmi2
        bugs\t\t: sysret_ss_attrs
        """

    @Test func aCPUWithEveryRequiredFlagLacksNothing() {
        #expect(CPUSupport.missing(["avx2", "fma"], cpuInfo: zen3).isEmpty)
    }

    @Test func theMissingFlagsAreNamedInTheOrderRequired() {
        #expect(CPUSupport.missing(["avx2", "fma", "avx512f", "avx512vl"], cpuInfo: zen3) == ["avx512f", "avx512vl"])
        let sandyBridge = "processor\t: 0\nflags\t\t: fpu sse sse2 avx\n"
        #expect(CPUSupport.missing(["avx2", "fma"], cpuInfo: sandyBridge) == ["avx2", "fma"])
    }

    @Test func aFlagIsMatchedWholeNotAsAPrefix() {
        let text = "flags\t\t: avx512fp16 avx512vl\n"
        #expect(CPUSupport.missing(["avx512f"], cpuInfo: text) == ["avx512f"])
    }

    @Test func withoutAFlagsLineEveryRequiredFlagCountsAsMissing() {
        #expect(CPUSupport.missing(["avx2"], cpuInfo: "processor\t: 0\n") == ["avx2"])
    }

    /// The executable's compiled-in requirement follows LOGIT_MARCH as Package.swift reads it at build time
    /// (the test runs in the environment that built it, as make test does).
    @Test func theRequirementIsTheLevelTheBuildChose() {
        #if arch(x86_64)
        let level = ProcessInfo.processInfo.environment["LOGIT_MARCH"] ?? "x86-64-v3"
        let flags: [String: [String]] = [
            "x86-64": [],
            "x86-64-v3": ["avx2", "fma"],
            "x86-64-v4": ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"],
        ]
        #expect(CPUSupport.required.level == level)
        #expect(CPUSupport.required.flags == flags[level])
        #endif
    }
}
