import ArgumentParser
import LogitONNX

/// The file `logit export` writes: HDF5 (`ModelFile`, which `logit import` reads back) or ONNX (`ONNXExporter`).
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case h5
    case onnx
}

extension ONNXInputType: ExpressibleByArgument {}
