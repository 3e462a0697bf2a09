import NetsimFlow
import Testing

/// What a capture writes when an ALB answers itself: the status and reason phrase the trace
/// states, a fixed response's own content type and body, a redirect's Location as the ALB
/// builds it from the request.
@Suite("HTTP answers")
struct HTTPAnswerTests {
    @Test func reasonPhrases() {
        #expect(HTTPStatus.reasonPhrase(200) == "OK")
        #expect(HTTPStatus.reasonPhrase(301) == "Moved Permanently")
        #expect(HTTPStatus.reasonPhrase(302) == "Found")
        #expect(HTTPStatus.reasonPhrase(404) == "Not Found")
        #expect(HTTPStatus.reasonPhrase(418) == "I'm a teapot")
        #expect(HTTPStatus.reasonPhrase(503) == "Service Temporarily Unavailable")
        #expect(HTTPStatus.reasonPhrase(299) == "")
        #expect(HTTPAnswer(status: 299, body: "").statusText == "299")
    }

    @Test func fixedResponseBytes() {
        let a = HTTPAnswer.fixedResponse(status: 418, contentType: "application/json", body: "{\"tea\":true}")
        #expect(String(decoding: a.bytes, as: UTF8.self)
            == "HTTP/1.1 418 I'm a teapot\r\nContent-Type: application/json\r\nContent-Length: 12\r\nServer: awselb/2.0\r\n\r\n{\"tea\":true}")
        // No body: Content-Length 0; an unknown code keeps the status line's space.
        #expect(String(decoding: HTTPAnswer.fixedResponse(status: 299, contentType: "", body: "").bytes, as: UTF8.self)
            == "HTTP/1.1 299 \r\nContent-Type: text/plain\r\nContent-Length: 0\r\nServer: awselb/2.0\r\n\r\n")
    }

    @Test func redirectBytes() {
        let a = HTTPAnswer.redirect(status: 302, location: "https://a.example.com:443/x")
        #expect(String(decoding: a.bytes, as: UTF8.self)
            == "HTTP/1.1 302 Found\r\nContent-Type: text/plain\r\nContent-Length: 18\r\nServer: awselb/2.0\r\nLocation: https://a.example.com:443/x\r\n\r\nnetsim: 302 Found\n")
    }

    @Test func redirectLocationResolvesTheRequestsOwnParts() {
        func loc(_ template: String, host: String = "shop.example.com", path: String = "/", proto: String = "HTTP", port: UInt16 = 80) -> String {
            HTTPAnswer.redirectLocation(template: template, requestHost: host, requestPath: path, listenerProtocol: proto, listenerPort: port)
        }
        // ssl-redirect: the request's host, path and query on HTTPS 443; no query, no `?`.
        #expect(loc("https://#{host}:443/#{path}?#{query}") == "https://shop.example.com:443/")
        #expect(loc("https://#{host}:443/#{path}?#{query}", path: "/cart/items?id=7&x=1") == "https://shop.example.com:443/cart/items?id=7&x=1")
        // The Host header's port is not the host; #{protocol} and #{port} are the listener's.
        #expect(loc("#{protocol}://#{host}:#{port}/#{path}?#{query}", host: "shop.example.com:8080", path: "/a") == "http://shop.example.com:80/a")
        #expect(loc("#{protocol}://www.#{host}:#{port}/new/#{path}?#{query}&v=2", path: "/old?q=1", proto: "HTTPS", port: 443)
            == "https://www.shop.example.com:443/new/old?q=1&v=2")
        // A value holding a keyword is not expanded again.
        #expect(loc("https://#{host}:443/#{path}?#{query}", path: "/#{host}") == "https://shop.example.com:443/#{host}")
    }
}
