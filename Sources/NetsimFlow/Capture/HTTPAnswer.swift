/// The HTTP response a capture shows: what an ALB answers itself (a fixed response, a
/// redirect, its 502 when no target answered) or what a target answered through it.
public struct HTTPAnswer: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String
    /// The redirect's target, written as the `Location` header.
    public var location: String?

    public init(status: Int, contentType: String = "text/plain", body: String, location: String? = nil) {
        self.status = status; self.contentType = contentType; self.body = body; self.location = location
    }

    /// `418 I'm a teapot`: the code and its reason phrase.
    public var statusText: String {
        let reason = HTTPStatus.reasonPhrase(status)
        return reason.isEmpty ? "\(status)" : "\(status) \(reason)"
    }

    /// The response as an ALB writes it: status line, Content-Type, Content-Length, Server, the
    /// Location of a redirect, then the body.
    public var bytes: [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nServer: awselb/2.0\r\n"
        if let location { head += "Location: \(location)\r\n" }
        return Array((head + "\r\n" + body).utf8)
    }

    /// A fixed-response action: its own status code, content type and message body.
    public static func fixedResponse(status: Int, contentType: String, body: String) -> HTTPAnswer {
        HTTPAnswer(status: status, contentType: contentType.isEmpty ? "text/plain" : contentType, body: body)
    }

    /// A redirect action: its status code and the Location built from the request.
    public static func redirect(status: Int, location: String) -> HTTPAnswer {
        HTTPAnswer(status: status, body: "netsim: \(status) \(HTTPStatus.reasonPhrase(status))\n", location: location)
    }

    /// A status the load balancer answers with a short text body (its 502, a target's 200).
    public static func plain(_ status: Int) -> HTTPAnswer {
        HTTPAnswer(status: status, body: "netsim: \(status) \(HTTPStatus.reasonPhrase(status))\n")
    }

    /// The URL a redirect sends the client to, as the ALB builds it from the action's
    /// `protocol://host:port/path?query` (`template`): `#{protocol}`, `#{host}`, `#{port}`,
    /// `#{path}` (the request's path without its leading `/`) and `#{query}` are the request's
    /// own, and the `?` is left out when the query comes out empty.
    ///
    /// - Parameters:
    ///   - requestHost: the request's Host header (a `:port` in it is not part of the host).
    ///   - requestPath: the request target: a path, with the query after `?` if any.
    ///   - listenerProtocol: `HTTP` or `HTTPS`, the listener the request came to.
    ///   - listenerPort: that listener's port.
    public static func redirectLocation(template: String, requestHost: String, requestPath: String,
                                        listenerProtocol: String, listenerPort: UInt16) -> String {
        var hostOnly = Substring(requestHost)
        if let colon = hostOnly.firstIndex(of: ":") { hostOnly = hostOnly[..<colon] }
        let target = Substring(requestPath)
        let question = target.firstIndex(of: "?")
        let requestPathPart = question.map { target[..<$0] } ?? target
        let requestQuery = question.map { String(target[target.index(after: $0)...]) } ?? ""
        let pathKeyword = requestPathPart.hasPrefix("/") ? String(requestPathPart.dropFirst()) : String(requestPathPart)
        let values = [("#{protocol}", listenerProtocol.lowercased()), ("#{host}", String(hostOnly)), ("#{port}", "\(listenerPort)"),
                      ("#{path}", pathKeyword), ("#{query}", requestQuery)]
        // One pass, so a value that holds a keyword is not expanded again.
        func resolve(_ s: Substring) -> String {
            var out = "", rest = s
            scan: while !rest.isEmpty {
                for (keyword, value) in values where rest.hasPrefix(keyword) {
                    out += value
                    rest = rest.dropFirst(keyword.count)
                    continue scan
                }
                out.append(rest.removeFirst())
            }
            return out
        }
        let t = Substring(template)
        guard let q = t.firstIndex(of: "?") else { return resolve(t) }
        let query = resolve(t[t.index(after: q)...])
        return resolve(t[..<q]) + (query.isEmpty ? "" : "?" + query)
    }
}

/// Reason phrases of HTTP status codes (RFC 9110 section 15, and 418 from RFC 2324); 503 as an
/// ALB writes it. Codes without one get an empty phrase (the status line keeps its space).
public enum HTTPStatus {
    public static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 203: "Non-Authoritative Information"
        case 204: "No Content"
        case 205: "Reset Content"
        case 206: "Partial Content"
        case 300: "Multiple Choices"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 305: "Use Proxy"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 418: "I'm a teapot"
        case 421: "Misdirected Request"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 451: "Unavailable For Legal Reasons"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Temporarily Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }
}
