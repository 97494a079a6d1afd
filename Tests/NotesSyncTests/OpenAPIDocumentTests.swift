import Foundation
@testable import NotesCore
@testable import NotesSync
import Testing
@testable import HTTP1

/// `docs/openapi.json` describes exactly what the server serves.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    /// The document, read from the repository.
    static func document() throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("docs/openapi.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("every route the server serves is in the document, and every documented route is served")
    func routesMatch() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<SyncService.Route> = []
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "delete", "patch", "head", "options"].contains(method) {
                documented.insert(SyncService.Route(method: method.uppercased(), path: path))
            }
        }
        #expect(documented == Set(SyncService.routes))
    }

    @Test("the message types carry exactly the members the document's schemas name, and the pull parameters it lists")
    func messageKeysMatch() throws {
        let document = try Self.document()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        func properties(_ schema: [String: Any]?) -> Set<String> { Set((schema?["properties"] as? [String: Any])?.keys.map { $0 } ?? []) }
        func required(_ schema: [String: Any]?) -> Set<String> { Set(schema?["required"] as? [String] ?? []) }
        // Messages whose members are all required.
        let complete: [(String, [String])] = [
            ("Health", HealthResponse.keys), ("Whoami", WhoamiResponse.keys), ("PushRequest", PushRequest.keys),
            ("PushResult", PushResponse.keys), ("PullResult", PullResponse.keys), ("WireRevision", SyncProtocol.wireRevisionKeys),
        ]
        // Members only some messages carry (a purged revision's marker, a push's purged revisions).
        let optional: [String: [String]] = ["PushResult": PushResponse.optionalKeys, "WireRevision": SyncProtocol.wireRevisionOptionalKeys]
        for (name, keys) in complete {
            #expect(properties(schemas[name]) == Set(keys + (optional[name] ?? [])), "\(name)")
            #expect(required(schemas[name]) == Set(keys), "\(name)")
        }
        // Error bodies: `error` holding `code` and `message`, and the members some errors add.
        let errorKey = HTTPResponse.ErrorBodyKey.error
        #expect(properties(schemas["Error"]) == [errorKey] && required(schemas["Error"]) == [errorKey])
        let error = (schemas["Error"]?["properties"] as? [String: Any])?[errorKey] as? [String: Any]
        #expect(properties(error) == Set(ErrorResponse.keys))
        #expect(required(error) == [HTTPResponse.ErrorBodyKey.code, HTTPResponse.ErrorBodyKey.message])
        let missing = (schemas["MissingParents"]?["properties"] as? [String: Any])?[errorKey] as? [String: Any]
        #expect(properties(missing).isSubset(of: Set(ErrorResponse.keys)))
        #expect(required(missing) == [HTTPResponse.ErrorBodyKey.code, HTTPResponse.ErrorBodyKey.message, WireKey.missing])
        // The pull's query parameters.
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let parameters = paths[PullRequest.endpoint.path]?[PullRequest.endpoint.method.lowercased()]?["parameters"] as? [[String: Any]]
        #expect(Set(parameters?.compactMap { $0["name"] as? String } ?? []) == Set(PullRequest.keys))
    }

    @Test("the documented responses match what the server answers: statuses and the keys of each body")
    func responsesMatch() throws {
        let document = try Self.document()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        func required(_ name: String) -> Set<String> { Set(schemas[name]?["required"] as? [String] ?? []) }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try ServerStore(path: directory + "/server.sqlite", readerCount: 1)
        let token = try store.addUser("anna", role: .researcher)
        let service = SyncService(store: store, maxBody: 1 << 20)
        func call(_ method: String, _ target: String, body: [UInt8] = [], auth: Bool = true) -> (Int, [String: Any]) {
            var request = HTTPRequest(method: method, target: target, headers: auth ? ["Authorization": "Bearer \(token)", "Host": "x"] : ["Host": "x"], body: body)
            let parts = target.split(separator: "?", maxSplits: 1)
            request.path = String(parts[0])
            request.query = parts.count > 1 ? Dictionary(parts[1].split(separator: "&").map {
                let pair = $0.split(separator: "=", maxSplits: 1)
                return (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            }, uniquingKeysWith: { _, b in b }) : [:]
            let response = service.handle(request)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            return (response.status, object)
        }
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        func documentedStatuses(_ path: String, _ method: String) -> Set<String> {
            Set((paths[path]?[method]?["responses"] as? [String: Any])?.keys.map { $0 } ?? [])
        }

        let health = call("GET", "/v1/health", auth: false)
        #expect(health.0 == 200 && Set(health.1.keys) == required("Health"))
        let whoami = call("GET", "/v1/whoami")
        #expect(whoami.0 == 200 && Set(whoami.1.keys) == required("Whoami"))
        let pull = call("GET", "/v1/pull?since=0")
        #expect(pull.0 == 200 && Set(pull.1.keys) == required("PullResult"))
        let revision = Codebook.genesisRevisions[0]
        let pushBody = Array("{\"protocol\":1,\"revisions\":[{\"id\":\"\(revision.id)\",\"revision\":".utf8) + revision.canonicalBytes + Array("}]}".utf8)
        let push = call("POST", "/v1/push", body: pushBody)
        #expect(push.0 == 200 && Set(push.1.keys) == required("PushResult"))

        // Every error status the server gives here is documented for that operation, with the error shape.
        let errors: [(String, String, String, [UInt8], Bool, Int)] = [
            ("GET", "/v1/whoami", "get", [], false, 401),
            ("GET", "/v1/pull?since=-1", "get", [], true, 400),
            ("GET", "/v1/pull?since=99", "get", [], true, 409),
            ("POST", "/v1/push", "post", Array("{".utf8), true, 400),
            ("POST", "/v1/push", "post", [], false, 401),
        ]
        for (method, target, operation, body, auth, status) in errors {
            let (got, object) = call(method, target, body: body, auth: auth)
            #expect(got == status, "\(method) \(target)")
            let path = String(target.split(separator: "?")[0])
            #expect(documentedStatuses(path, operation).contains(String(status)), "\(status) is not documented for \(method) \(path)")
            let error = object["error"] as? [String: Any]
            #expect(error?["code"] is String && error?["message"] is String, "\(object)")
        }
        #expect(call("GET", "/v1/push").0 == 405 && documentedStatuses("/v1/push", "post").contains("405"))

        // Answers given from the request head alone, before the body is read.
        let twoTokens = HTTPHeaders([(name: "Host", value: "x"), (name: "Authorization", value: "Bearer \(token)"),
                                     (name: "Authorization", value: "Bearer other")])
        let heads: [(HTTPRequestHead, String, Int)] = [
            (HTTPRequestHead(method: "POST", target: "/v1/push", path: "/v1/push", headers: ["Host": "x"], body: .length(1 << 20)), "post", 401),
            (HTTPRequestHead(method: "POST", target: "/v1/push", path: "/v1/push", headers: twoTokens, body: .length(10)), "post", 400),
            (HTTPRequestHead(method: "GET", target: "/v1/pull", path: "/v1/pull", headers: twoTokens), "get", 400),
            (HTTPRequestHead(method: "GET", target: "/v1/whoami", path: "/v1/whoami", headers: twoTokens), "get", 400),
            (HTTPRequestHead(method: "GET", target: "/v1/health", path: "/v1/health", headers: ["Host": "x"], body: .chunked), "get", 400),
        ]
        for (head, operation, status) in heads {
            let response = service.preflight(head)
            #expect(response?.status == status, "\(head.method) \(head.path)")
            #expect(documentedStatuses(head.path, operation).contains(String(status)), "\(status) is not documented for \(head.method) \(head.path)")
        }
        #expect(service.preflight(HTTPRequestHead(method: "POST", target: "/v1/push", path: "/v1/push",
                                                  headers: ["Host": "x", "Authorization": "Bearer \(token)"], body: .length(10))) == nil)
        // 503 busy when the memory budget has no room for the push's revisions or the pull's batch.
        for (method, path, operation) in [("POST", "/v1/push", "post"), ("GET", "/v1/pull", "get")] {
            var request = HTTPRequest(method: method, target: path, headers: ["Authorization": "Bearer \(token)", "Host": "x"],
                                      body: method == "POST" ? pushBody : [])
            request.memory = MemoryReservation(budget: MemoryBudget(capacity: 0, wait: .zero))
            let response = service.handle(request)
            #expect(response.status == 503 && response.headers["Retry-After"] == "1", "\(method) \(path)")
            #expect(documentedStatuses(path, operation).contains("503"))
        }
    }
}
