import Foundation
import Hummingbird
import HummingbirdTesting
import LogitAPI
import LogitImaging
import LogitServer
import NIOCore
import Testing

@Suite struct ImageAPITests {
    func png(_ response: TestResponse) throws -> RGBAImage {
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "image/png")
        return try PNGCodec.decode(Array(buffer: response.body))
    }

    @Test func weightsMeanImagesAndMisclassifiedDigits() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(smallJob))
            let weights = try png(try await client.request(.get, "/models/small/versions/1/weights.png"))
            let layout = ImageRenderer.weightTileLayout(tileCount: 10, height: 28, width: 28)
            #expect(weights.width == layout.imageWidth && weights.height == layout.imageHeight)
            // A corner pixel is a border pixel of MNIST: constant 0, so its weight stays 0, drawn white.
            let corner = layout.sourcePixelFrame(tile: 3, row: 27, column: 27)
            #expect(weights[x: corner.x, y: corner.y] == .white)

            let single = try png(try await client.request(.get, "/models/small/versions/1/weights.png?class=7&scale=2&colormap=gray"))
            #expect(single.width == ImageRenderer.weightTileLayout(
                tileCount: 1, height: 28, width: 28, options: TileGridOptions(scale: 2)).imageWidth)
            let means = try png(try await client.request(.get, "/models/small/versions/1/mean-images.png"))
            #expect(means.width > 28 * 4 && means.height > 28 * 4)
            let wrong = try png(try await client.request(.get, "/models/small/versions/1/misclassified.png?limit=4"))
            #expect(wrong.width == ImageRenderer.grayTileLayout(tileCount: 4, height: 28, width: 28, scale: 3).imageWidth)

            for (uri, status) in [
                ("/models/small/versions/1/weights.png?class=11", 404),
                ("/models/small/versions/1/weights.png?scale=0", 400),
                ("/models/small/versions/1/weights.png?colormap=jet", 400),
                ("/models/small/versions/9/weights.png", 404),
                ("/models/small/versions/1/misclassified.png?limit=0", 400),
            ] {
                #expect(Int(try await client.request(.get, uri).status.code) == status, "\(uri)")
            }
        }
    }

    @Test func tabularModelsHaveNoPictures() async throws {
        let app = try await testApplication(testConfiguration())
        try await app.test(.router) { client in
            _ = try await client.waitForJob(try await client.submit(#"{"dataset":"breast-cancer-wisconsin","name":"bc"}"#))
            let response = try await client.request(.get, "/models/bc/versions/1/weights.png")
            #expect(response.status == .notFound)
            #expect(try decode(ErrorAnswer.self, response).code == "IMAGE_NOT_AVAILABLE")
        }
    }
}
