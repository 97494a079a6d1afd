import NotesCore

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

    /// Answers one request.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let methods = Self.routes.filter { $0.path == request.path }.map(\.method)
        guard !methods.isEmpty else {
            return .error(status: 404, code: "not_found", message: "No such endpoint: \(request.path)")
        }
        guard methods.contains(request.method) else {
            var response = HTTPResponse.error(status: 405, code: "method_not_allowed",
                                              message: "\(request.path) accepts \(methods.joined(separator: ", "))")
            response.headers["Allow"] = methods.joined(separator: ", ")
            return response
        }
        if request.path == "/v1/health" { return health() }
        let user: ServerUser
        do {
            guard let token = Self.bearerToken(request), let found = try store.authenticate(token: token) else {
                var response = HTTPResponse.error(status: 401, code: "unauthorized",
                                                  message: "A valid token is required (Authorization: Bearer TOKEN).")
                response.headers["WWW-Authenticate"] = "Bearer"
                return response
            }
            user = found
        } catch {
            return .error(status: 500, code: "internal_error", message: "The server could not read its user table.")
        }
        var response: HTTPResponse
        switch request.path {
        case "/v1/whoami": response = whoami(user)
        case "/v1/push": response = push(request, user: user)
        default: response = pull(request, user: user)
        }
        response.user = user.name
        return response
    }

    static func bearerToken(_ request: HTTPRequest) -> String? {
        guard let header = request.headers["authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
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

    private func push(_ request: HTTPRequest, user: ServerUser) -> HTTPResponse {
        let body: JSONValue
        do {
            body = try JSONParser.parse(request.body)
        } catch {
            return .error(status: 400, code: "invalid_json", message: "The body is not valid JSON: \(error.description)")
        }
        guard let object = body.objectValue, let version = object["protocol"]?.intValue else {
            return .error(status: 400, code: "invalid_request", message: "Expected {\"protocol\": \(SyncProtocol.version), \"revisions\": [...]}")
        }
        guard version == SyncProtocol.version else {
            return .error(status: 400, code: "protocol_mismatch",
                          message: "The client speaks protocol \(version); this server speaks protocol \(SyncProtocol.version).")
        }
        let revisions: [Revision]
        do {
            revisions = try SyncProtocol.decodeWireRevisions(object["revisions"])
        } catch {
            return .error(status: 400, code: "invalid_revision", message: error.description)
        }
        guard revisions.count <= SyncProtocol.maxRevisionsPerPush else {
            return .error(status: 413, code: "too_many_revisions", message: "At most \(SyncProtocol.maxRevisionsPerPush) revisions per push.")
        }
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
            case .forbidden(let message):
                return .error(status: 403, code: "forbidden", message: message)
            case .invalid(let message):
                return .error(status: 400, code: "invalid_revision", message: message)
            }
        } catch ServerStoreError.busy {
            var response = HTTPResponse.error(status: 503, code: "busy", message: ServerStoreError.busy.message)
            response.headers.add(name: "Retry-After", value: "1")
            return response
        } catch {
            return .error(status: 500, code: "internal_error", message: "The server could not store the revisions.")
        }
    }

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
        do {
            let batch = try store.pull(since: since, after: after, excludeReplica: exclude, limit: limit)
            var writer = JSONWriter(reserving: batch.revisions.reduce(256) { $0 + $1.bytes.count + 100 })
            writer.append("{\"last\":")
            writer.writeString(batch.last)
            writer.append(",\"more\":")
            writer.append(batch.more ? "true" : "false")
            writer.append(",\"next\":")
            writer.writeInt(batch.next)
            writer.append(",\"revisions\":[")
            for (index, revision) in batch.revisions.enumerated() {
                if index > 0 { writer.append(",") }
                SyncProtocol.writeWireRevision(id: revision.id, canonicalBytes: revision.bytes, to: &writer)
            }
            writer.append("]}")
            return .json(status: 200, writer.bytes)
        } catch PullRefusal.reset {
            return .error(status: 409, code: "reset",
                          message: "The checkpoint is not on this server (it was restored from a backup); pull again from 0.")
        } catch {
            return .error(status: 500, code: "internal_error", message: "The server could not read its revisions.")
        }
    }

    private func json(_ value: JSONValue) -> HTTPResponse {
        .json(status: 200, JSONWriter.canonical(value))
    }
}
