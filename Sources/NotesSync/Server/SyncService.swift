import NotesCore
import Codecs
import HTTP1

/// The sync API as plain functions from a request to a response, so it can be tested without sockets.
///
/// `GET /v1/health` is open; everything else needs `Authorization: Bearer TOKEN`.
public struct SyncService: Sendable {
    /// One route the service answers.
    public struct Route: Sendable, Hashable {
        /// The HTTP method.
        public let method: String
        /// The path.
        public let path: String
    }

    /// Every route served, for the OpenAPI document check.
    public static let routes: [Route] = [
        Route(method: "GET", path: "/v1/health"),
        Route(method: "GET", path: "/v1/whoami"),
        Route(method: "POST", path: "/v1/push"),
        Route(method: "GET", path: "/v1/pull"),
    ]

    /// The database.
    public let store: ServerStore
    /// The body limit, reported by `health` so clients size their pushes.
    public let maxBody: Int

    /// Creates the service on a store.
    public init(store: ServerStore, maxBody: Int) {
        self.store = store
        self.maxBody = maxBody
    }

    /// Checks a request from its head alone, before the server reads (or invites, with
    /// `100 Continue`) its body: the route and method, that a `GET` has no body, and the token.
    /// `HTTPServer` calls it as its `preflight`, so an unauthenticated client can never make
    /// the server hold a body.
    ///
    /// - Returns: the answer to send at once (the body unread), or nil to read the body and
    ///   call `handle`.
    public func preflight(_ head: HTTPRequestHead) -> HTTPResponse? {
        if let refusal = Self.routeRefusal(method: head.method, path: head.path) { return refusal }
        if head.method == "GET" && head.body != .empty {
            return .error(status: 400, code: "bad_request", message: "GET \(head.path) takes no body.")
        }
        if head.path == "/v1/health" { return nil }
        if case .refused(let response) = authenticate(head.headers) { return response }
        return nil
    }

    /// Answers one request; it owns the request, so a push's body is freed once decoded.
    public func handle(_ request: consuming HTTPRequest) -> HTTPResponse {
        if let refusal = Self.routeRefusal(method: request.method, path: request.path) { return refusal }
        if request.path == "/v1/health" { return health() }
        let user: ServerUser
        switch authenticate(request.headers) {
        case .user(let found): user = found
        case .refused(let response): return response
        }
        var response: HTTPResponse
        switch request.path {
        case "/v1/whoami": response = whoami(user)
        case "/v1/push": response = push(request.takeBody(), memory: request.memory, user: user)
        default: response = pull(request, user: user)
        }
        response.user = user.name
        return response
    }

    /// 404 for an unknown path, 405 (with `Allow`) for a method the path does not take.
    private static func routeRefusal(method: String, path: String) -> HTTPResponse? {
        let methods = routes.filter { $0.path == path }.map(\.method)
        guard !methods.isEmpty else {
            return .error(status: 404, code: "not_found", message: "No such endpoint: \(path)")
        }
        guard methods.contains(method) else {
            var response = HTTPResponse.error(status: 405, code: "method_not_allowed",
                                              message: "\(path) accepts \(methods.joined(separator: ", "))")
            response.headers["Allow"] = methods.joined(separator: ", ")
            return response
        }
        return nil
    }

    /// Who a request's token belongs to, or the answer refusing it.
    private enum Authentication {
        case user(ServerUser)
        case refused(HTTPResponse)
    }

    /// Checks the `Authorization` field: exactly one (two are refused with 400 rather than
    /// letting one of them win), a bearer token of an active user (else 401).
    private func authenticate(_ headers: HTTPHeaders) -> Authentication {
        let fields = headers.values(for: "Authorization")
        guard fields.count <= 1 else {
            return .refused(.error(status: 400, code: "bad_request",
                                   message: "The request has \(fields.count) Authorization header fields; send exactly one."))
        }
        do {
            guard let token = Self.bearerToken(fields.first), let found = try store.authenticate(token: token) else {
                var response = HTTPResponse.error(status: 401, code: "unauthorized",
                                                  message: "A valid token is required (Authorization: Bearer TOKEN).")
                response.headers["WWW-Authenticate"] = "Bearer"
                return .refused(response)
            }
            return .user(found)
        } catch {
            return .refused(.error(status: 500, code: "internal_error", message: "The server could not read its user table."))
        }
    }

    /// The token of an `Authorization: Bearer TOKEN` field value, if it is one.
    static func bearerToken(_ field: String?) -> String? {
        guard let field else { return nil }
        let parts = field.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty || token.utf8.count > 256 ? nil : token
    }

    private func health() -> HTTPResponse {
        json(.object([
            "status": .string("ok"), "protocol": .int(SyncProtocol.version), "version": .string(SyncProtocol.softwareVersion),
            "max_body": .int(Int64(maxBody)),
        ]))
    }

    private func whoami(_ user: ServerUser) -> HTTPResponse {
        json(.object(["user": .string(user.name), "role": .string(user.role.rawValue)]))
    }

    /// Decoded revisions hold about this many times their bytes on the wire: their fields as
    /// Swift values beside their canonical bytes (measured with glibc's `malloc_info`: 2.6 × for
    /// 2,000 notes of about 1.4 KB).
    public static let decodedBytesPerBodyByte = 3

    /// Stores a push. The body is consumed: decoded one revision at a time, then freed before
    /// the push waits for the database, with memory reserved for the revisions first.
    private func push(_ body: consuming [UInt8], memory: MemoryReservation, user: ServerUser) -> HTTPResponse {
        let bodyBytes = body.count
        // A server built with `HTTPLimits.builtBytesPerBodyByte = decodedBytesPerBodyByte` reserved
        // this with the body; otherwise (or for a chunked body) the shortfall is reserved now.
        let needed = bodyBytes * (1 + Self.decodedBytesPerBodyByte)
        guard memory.bytes >= needed || memory.grow(by: needed - memory.bytes) else { return .memoryBusy }
        let revisions: [Revision]
        do {
            revisions = try PushRequest(decoding: consume body).revisions
        } catch {
            switch error {
            case .invalidJSON: return .error(status: 400, code: "invalid_json", message: error.description)
            case .notAPushRequest: return .error(status: 400, code: "invalid_request", message: error.description)
            case .protocolMismatch: return .error(status: 400, code: "protocol_mismatch", message: error.description)
            case .invalidRevision: return .error(status: 400, code: "invalid_revision", message: error.description)
            case .tooManyRevisions: return .error(status: 413, code: "too_many_revisions", message: error.description)
            }
        }
        // The body is freed; the revisions stay until stored.
        memory.resize(to: bodyBytes * Self.decodedBytesPerBodyByte)
        do {
            let result = try store.push(revisions, user: user)
            return json(.object([
                "accepted": .int(Int64(result.accepted)), "already_known": .int(Int64(result.alreadyKnown)),
                "last_seq": .int(result.lastSequence), "last": .string(result.lastID),
            ]))
        } catch let refusal as PushRefusal {
            switch refusal {
            case .missingParents(let ids):
                var writer = JSONWriter()
                writer.write(.object(["error": .object([
                    "code": .string("missing_parents"),
                    "message": .string("The server does not have the parents of some revisions; push them first."),
                    "missing": JSONValue(strings: ids),
                ])]))
                return .json(status: 409, writer.bytes)
            case .refused(let refusal):
                return Self.refusalResponse(refusal)
            }
        } catch let error as ServerStoreError where error.isTransient {
            // Other pushes hold the writer, or another process (an admin command, sqlite3) holds
            // SQLite's lock: nothing was stored, and the same push succeeds in a moment.
            var response = HTTPResponse.error(status: 503, code: "busy", message: ServerStoreError.busy.message)
            response.headers.add(name: "Retry-After", value: "1")
            return response
        } catch ServerStoreError.diskFull {
            // Not retried by the client: the disk stays full until the operator frees space.
            return .error(status: 507, code: "disk_full",
                          message: "The server's disk is full. Nothing of this push was stored; push again once space has been freed.")
        } catch {
            return .error(status: 500, code: "internal_error", message: "The server could not store the revisions.")
        }
    }

    /// The least memory a pull needs to be served; with less room it gets 503 `busy`.
    static let minimumPullReservation = 256 << 10
    /// Bytes of a pull response besides its revisions (the checkpoint members), rounded up.
    static let pullResponseOverhead = 256

    /// Serves one batch of revisions, as large as the memory budget allows.
    private func pull(_ request: HTTPRequest, user: ServerUser) -> HTTPResponse {
        guard let since = Int64(request.query["since"] ?? "0"), since >= 0 else {
            return .error(status: 400, code: "invalid_request", message: "'since' must be a whole number of 0 or more.")
        }
        let after = request.query["after"] ?? ""
        guard after.isEmpty || Revision.isValidID(after) else {
            return .error(status: 400, code: "invalid_request", message: "'after' must be a revision id.")
        }
        guard let limit = Int(request.query["limit"] ?? String(SyncProtocol.defaultPullLimit)), (1...SyncProtocol.maxPullLimit).contains(limit) else {
            return .error(status: 400, code: "invalid_request", message: "'limit' must be between 1 and \(SyncProtocol.maxPullLimit).")
        }
        let exclude = request.query["exclude_replica"].flatMap { $0.isEmpty ? nil : $0 }
        // The batch's rows and the response built from them each take up to half of what the
        // budget can spare (a smaller batch under load: the client pulls again for the rest).
        guard var reserved = request.memory.grow(atLeast: Self.minimumPullReservation,
                                                 atMost: 2 * (SyncProtocol.maxPullBytes + Self.pullResponseOverhead)) else {
            return .memoryBusy
        }
        do {
            var batch = try store.pull(since: since, after: after, excludeReplica: exclude, requester: user.name, limit: limit,
                                       maxBytes: reserved / 2 - Self.pullResponseOverhead)
            if batch.firstRevisionBytes > 0 {
                // The next revision alone is larger than what was reserved (a long transcript):
                // reserve for it, then read it.
                let needed = 2 * (batch.firstRevisionBytes + 100 + Self.pullResponseOverhead)
                guard request.memory.grow(by: needed - reserved) else {
                    request.memory.releaseAll()
                    return .memoryBusy
                }
                reserved = needed
                batch = try store.pull(since: since, after: after, excludeReplica: exclude, requester: user.name, limit: limit,
                                       maxBytes: reserved / 2 - Self.pullResponseOverhead)
            }
            // Built once, in the buffer that is sent: its exact size is known from the rows.
            var writer = JSONWriter(reserving: batch.revisions.reduce(Self.pullResponseOverhead) { $0 + $1.bytes.count + 100 })
            writer.append("{\"last\":")
            writer.writeString(batch.last)
            writer.append(",\"more\":")
            writer.append(batch.more ? "true" : "false")
            writer.append(",\"next\":")
            writer.writeInt(batch.next)
            writer.append(",\"revisions\":[")
            for index in batch.revisions.indices {
                if index > 0 { writer.append(",") }
                SyncProtocol.writeWireRevision(id: batch.revisions[index].id, canonicalBytes: batch.revisions[index].bytes, to: &writer)
                // Each row is freed once copied, so rows and response never both exist in full.
                batch.revisions[index].bytes = []
            }
            writer.append("]}")
            request.memory.resize(to: writer.bytes.count)
            return .json(status: 200, writer.bytes)
        } catch PullRefusal.reset {
            request.memory.releaseAll()
            return .error(status: 409, code: "reset",
                          message: "The checkpoint is not on this server (it was restored from a backup); pull again from 0.")
        } catch {
            request.memory.releaseAll()
            return .error(status: 500, code: "internal_error", message: "The server could not read its revisions.")
        }
    }

    /// A push refused by the admission rule: 403 for a claim of someone else's identity or a
    /// forged merge, 422 for anything else; the body names the revision and the rule.
    static func refusalResponse(_ refusal: AdmissionRefusal) -> HTTPResponse {
        let forbidden: Set<AdmissionRule> = [.author, .replica, .merge]
        let status = forbidden.contains(refusal.rule) ? 403 : 422
        var writer = JSONWriter()
        writer.write(.object(["error": .object([
            "code": .string(status == 403 ? "forbidden" : "inadmissible"),
            "message": .string("Refused \(refusal.description). Nothing of this push was stored."),
            "revision": .string(refusal.revision),
            "rule": .string(refusal.rule.rawValue),
            "detail": .string(refusal.detail),
        ])]))
        return .json(status: status, writer.bytes)
    }

    private func json(_ value: JSONValue) -> HTTPResponse {
        .json(status: 200, JSONWriter.canonical(value))
    }
}
