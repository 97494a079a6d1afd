import NotesCore
import Codecs
import HTTP1

/// The sync API as plain functions from a request to a response, so it can be tested without sockets.
///
/// `GET /v1/health` is open; everything else needs `Authorization: Bearer TOKEN`.
public struct SyncService: Sendable {
    /// One route the service answers: an endpoint of its request type.
    public typealias Route = SyncEndpoint

    /// Every route served, for the OpenAPI document check.
    public static let routes: [Route] = [
        HealthRequest.endpoint, WhoamiRequest.endpoint, PushRequest.endpoint, PullRequest.endpoint,
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
            return ErrorResponse(code: ErrorResponse.Code.badRequest, message: "GET \(head.path) takes no body.").response(status: 400)
        }
        if head.path == HealthRequest.endpoint.path { return nil }
        if case .refused(let response) = authenticate(head.headers) { return response }
        return nil
    }

    /// Answers one request; it owns the request, so a push's body is freed once decoded.
    public func handle(_ request: consuming HTTPRequest) -> HTTPResponse {
        if let refusal = Self.routeRefusal(method: request.method, path: request.path) { return refusal }
        if request.path == HealthRequest.endpoint.path { return health() }
        let user: ServerUser
        switch authenticate(request.headers) {
        case .user(let found): user = found
        case .refused(let response): return response
        }
        var response: HTTPResponse
        switch request.path {
        case WhoamiRequest.endpoint.path: response = whoami(user)
        case PushRequest.endpoint.path: response = push(request.takeBody(), memory: request.memory, user: user)
        default: response = pull(request, user: user)
        }
        response.user = user.name
        return response
    }

    /// 404 for an unknown path, 405 (with `Allow`) for a method the path does not take.
    private static func routeRefusal(method: String, path: String) -> HTTPResponse? {
        let methods = routes.filter { $0.path == path }.map(\.method)
        guard !methods.isEmpty else {
            return ErrorResponse(code: ErrorResponse.Code.notFound, message: "No such endpoint: \(path)").response(status: 404)
        }
        guard methods.contains(method) else {
            var response = ErrorResponse(code: ErrorResponse.Code.methodNotAllowed,
                                         message: "\(path) accepts \(methods.joined(separator: ", "))").response(status: 405)
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
            return .refused(ErrorResponse(code: ErrorResponse.Code.badRequest,
                                          message: "The request has \(fields.count) Authorization header fields; send exactly one.")
                .response(status: 400))
        }
        do {
            guard let token = Self.bearerToken(fields.first), let found = try store.authenticate(token: token) else {
                var response = ErrorResponse(code: ErrorResponse.Code.unauthorized,
                                             message: "A valid token is required (Authorization: Bearer TOKEN).").response(status: 401)
                response.headers["WWW-Authenticate"] = "Bearer"
                return .refused(response)
            }
            return .user(found)
        } catch {
            return .refused(ErrorResponse(code: ErrorResponse.Code.internalError, message: "The server could not read its user table.")
                .response(status: 500))
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
        .json(status: 200, HealthResponse(maxBody: maxBody).encoded())
    }

    private func whoami(_ user: ServerUser) -> HTTPResponse {
        .json(status: 200, WhoamiResponse(user: user.name, role: user.role.rawValue).encoded())
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
            let (status, code): (Int, String) = switch error {
            case .invalidJSON: (400, ErrorResponse.Code.invalidJSON)
            case .notAPushRequest: (400, ErrorResponse.Code.invalidRequest)
            case .protocolMismatch: (400, ErrorResponse.Code.protocolMismatch)
            case .invalidRevision: (400, ErrorResponse.Code.invalidRevision)
            case .tooManyRevisions: (413, ErrorResponse.Code.tooManyRevisions)
            }
            return ErrorResponse(code: code, message: error.description).response(status: status)
        }
        // The body is freed; the revisions stay until stored.
        memory.resize(to: bodyBytes * Self.decodedBytesPerBodyByte)
        do {
            let result = try store.push(revisions, user: user)
            return .json(status: 200, PushResponse(accepted: result.accepted, alreadyKnown: result.alreadyKnown,
                                                    lastSequence: result.lastSequence, last: result.lastID,
                                                    purged: result.purgedOnArrival).encoded())
        } catch let refusal as PushRefusal {
            switch refusal {
            case .missingParents(let ids):
                return ErrorResponse(code: ErrorResponse.Code.missingParents,
                                     message: "The server does not have the parents of some revisions; push them first.",
                                     missing: ids).response(status: 409)
            case .refused(let refusal):
                return Self.refusalResponse(refusal)
            case .forbiddenRole(let revision, let required):
                return ErrorResponse(code: ErrorResponse.Code.forbiddenRole,
                                     message: "Revision \(revision.prefix(12)) is a purge, which only a \(required) may push. Nothing of this push was stored.",
                                     refusal: AdmissionRefusal(revision: revision, rule: .purge, detail: "only a \(required) may push a purge"))
                    .response(status: 403)
            }
        } catch let error as ServerStoreError where error.isTransient {
            // Other pushes hold the writer, or another process (an admin command, sqlite3) holds
            // SQLite's lock: nothing was stored, and the same push succeeds in a moment.
            return .busy("The server is busy storing other pushes; try again in a moment.")
        } catch ServerStoreError.diskFull {
            // Not retried by the client: the disk stays full until the operator frees space.
            return ErrorResponse(code: ErrorResponse.Code.diskFull,
                                 message: "The server's disk is full. Nothing of this push was stored; push again once space has been freed.")
                .response(status: 507)
        } catch {
            return ErrorResponse(code: ErrorResponse.Code.internalError, message: "The server could not store the revisions.")
                .response(status: 500)
        }
    }

    /// The least memory a pull needs to be served; with less room it gets 503 `busy`.
    static let minimumPullReservation = 256 << 10
    /// Bytes of a pull response besides its revisions (the checkpoint members), rounded up.
    static let pullResponseOverhead = 256

    /// Serves one batch of revisions, as large as the memory budget allows.
    private func pull(_ request: HTTPRequest, user: ServerUser) -> HTTPResponse {
        let pull: PullRequest
        do {
            pull = try PullRequest(query: request.query)
        } catch {
            // Worded for the client that sent the query: "'since' must be a whole number of 0 or more."
            let message = if case .invalidMember(_, let key, let expected) = error { "'\(key)' must be \(expected)." } else { error.description }
            return ErrorResponse(code: ErrorResponse.Code.invalidRequest, message: message).response(status: 400)
        }
        let (since, after, limit, exclude) = (pull.since, pull.after, pull.limit, pull.excludeReplica)
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
            var writer = PullResponse.writer(next: batch.next, last: batch.last, more: batch.more,
                                             reserving: batch.revisions.reduce(Self.pullResponseOverhead) { $0 + $1.bytes.count + 100 })
            for index in batch.revisions.indices {
                writer.append(id: batch.revisions[index].id, canonicalBytes: batch.revisions[index].bytes,
                              purgedBy: batch.revisions[index].purgedBy)
                // Each row is freed once copied, so rows and response never both exist in full.
                batch.revisions[index].bytes = []
            }
            let body = writer.finish()
            request.memory.resize(to: body.count)
            return .json(status: 200, body)
        } catch PullRefusal.reset {
            request.memory.releaseAll()
            return ErrorResponse(code: ErrorResponse.Code.reset,
                                 message: "The checkpoint is not on this server (it was restored from a backup); pull again from 0.")
                .response(status: 409)
        } catch {
            request.memory.releaseAll()
            return ErrorResponse(code: ErrorResponse.Code.internalError, message: "The server could not read its revisions.")
                .response(status: 500)
        }
    }

    /// A push refused by the admission rule: 403 for a claim of someone else's identity or a
    /// forged merge, 422 for anything else; the body names the revision and the rule.
    static func refusalResponse(_ refusal: AdmissionRefusal) -> HTTPResponse {
        let forbidden: Set<AdmissionRule> = [.author, .replica, .merge, .role]
        let status = forbidden.contains(refusal.rule) ? 403 : 422
        return ErrorResponse(code: status == 403 ? ErrorResponse.Code.forbidden : ErrorResponse.Code.inadmissible,
                             message: "Refused \(refusal.description). Nothing of this push was stored.", refusal: refusal)
            .response(status: status)
    }
}
