import Foundation
import HTTPTypes
import Hummingbird
import LogitAPI
import LogitData
import LogitJobs
import LogitPictures
import LogitServing
import LogitStore

/// An error the API answers with, written as an `ErrorAnswer` (`Error` in public/openapi.yaml):
/// `{"error": "<sentence>", "code": "<UPPER_SNAKE>", "details": [...]}`.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let details: [FieldProblem]?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, details: [FieldProblem]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try APICoding.encoder.encode(ErrorAnswer(message: message, code: code, details: details))
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func badRequest(_ message: String, code: String = "BAD_REQUEST", details: [FieldProblem]? = nil) -> APIError {
        APIError(.badRequest, code: code, message, details: details)
    }

    static func notFound(_ message: String, code: String = "NOT_FOUND") -> APIError {
        APIError(.notFound, code: code, message)
    }
}

extension APIError {
    /// The API error for anything a handler or a library threw. Errors a client can cause become 4xx answers;
    /// only a fault of the service itself is a 500.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return .badRequest("the request is not valid: \(error)", code: "VALIDATION_FAILED", details: error.problems)
        case let error as UnknownFieldsError:
            return .badRequest(error.description, code: "UNKNOWN_FIELD")
        case let error as DecodingError:
            return .badRequest(describe(error), code: "INVALID_JSON")
        case let error as PredictionError:
            return .badRequest(error.description, code: error.code)
        case let error as StoreError:
            switch error {
            case .unknownModel: return .notFound(error.description, code: "MODEL_NOT_FOUND")
            case .unknownVersion: return .notFound(error.description, code: "VERSION_NOT_FOUND")
            case .unknownJob: return .notFound(error.description, code: "JOB_NOT_FOUND")
            case .unknownSweep: return .notFound(error.description, code: "SWEEP_NOT_FOUND")
            case .conflict: return APIError(.conflict, code: "CONFLICT", error.description)
            case .leaseLost: return APIError(.conflict, code: "CONFLICT", error.description)
            case .unavailable:
                var unavailable = APIError(.serviceUnavailable, code: "DATABASE_UNAVAILABLE", error.description)
                unavailable.headers[.retryAfter] = "1"
                return unavailable
            }
        case let error as DatasetRegistry.LookupError:
            switch error {
            case .unknown: return .notFound(error.description, code: "DATASET_NOT_FOUND")
            case .exists: return APIError(.conflict, code: "DATASET_EXISTS", error.description)
            }
        case let error as DataFileError:
            return .badRequest("the data set cannot be read: \(error)", code: "INVALID_DATASET")
        case let error as JobScheduler.Refusal:
            var refusal = APIError(.tooManyRequests, code: "QUEUE_FULL", error.description)
            if case .shuttingDown = error { refusal = APIError(.serviceUnavailable, code: "DRAINING", error.description) }
            refusal.headers[.retryAfter] = "5"
            return refusal
        case let error as ModelImages.NotAvailable:
            return .notFound(error.description, code: "IMAGE_NOT_AVAILABLE")
        case let error as ModelFile.Invalid:
            return .badRequest("the model file is not valid: \(error)", code: "INVALID_MODEL_FILE")
        case let error as HDF5.Failure:
            return .badRequest("the HDF5 file cannot be read: \(error)", code: "INVALID_DATASET")
        case let error as HTTPError:
            return APIError(error.status, code: code(for: error.status), error.body ?? error.status.reasonPhrase)
        default:
            return APIError(.internalServerError, code: "INTERNAL", "the service failed to answer: \(error)")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "NOT_FOUND"
        case .methodNotAllowed: "METHOD_NOT_ALLOWED"
        case .contentTooLarge: "BODY_TOO_LARGE"
        case .unsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE"
        case .badRequest: "BAD_REQUEST"
        default: status.reasonPhrase.uppercased().replacingOccurrences(of: " ", with: "_")
        }
    }

    /// A sentence for a decoding error that names the field at fault.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the body" : text)
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): this field is required"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the body could not be decoded"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is UInt64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}

