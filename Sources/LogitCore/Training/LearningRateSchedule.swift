#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Learning rate as a function of the step t (0-based) or of the epoch. The trainer passes the number of whole epochs
/// completed, so the epoch-based schedules change the rate between epochs only.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// alpha0 / (1 + t / T)
    case inverseTime(decaySteps: Double)
    /// alpha0 * factor^floor(epoch / every)
    case stepDecay(everyEpochs: Int, factor: Double)
    /// alpha0 * rate^epoch
    case exponential(ratePerEpoch: Double)

    public func rate(base: Double, step: Int, epoch: Double) -> Double {
        switch self {
        case .constant: base
        case .inverseTime(let decaySteps): base / (1 + Double(step) / decaySteps)
        case .stepDecay(let every, let factor): base * pow(factor, (epoch / Double(every)).rounded(.down))
        case .exponential(let rate): base * pow(rate, epoch)
        }
    }
}
