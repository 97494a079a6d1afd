// libFuzzer harness for the JSON decoding of sync bodies: JSONParser.parse, then what
// SyncService.push does with a body (protocol member, SyncProtocol.decodeWireRevisions),
// and Revision(canonicalBytes:) as the client does with pulled revisions. Compiled together
// with the Codecs JSON and Crypto and the NotesCore Revision and Model sources, and the push
// decoding of Sources/NotesSync/Protocol (SyncProtocol, PushRequest and what they use) by run-fuzz.
// Besides "no crash, no hang", it checks on every input:
//   1. a parsed document re-encodes canonically and parses back to the same value (1.0 and 1 being
//      the same number), and canonical encoding is a fixed point;
//   2. every decoded revision's canonical bytes decode again, verified, to the same id
//      (what the server stores is exactly what its id names);
//   3. raw bytes accepted as a canonical revision re-encode to exactly those bytes;
//   4. PushRequest, which walks a push body one revision at a time, accepts exactly the bodies
//      that parsing the whole tree and decoding its revisions accepts, with the same revisions.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let value: JSONValue
    do {
        value = try JSONParser.parse(bytes)
    } catch {
        if error.offset < 0 || error.offset > size { fatalError("error offset outside the input") }
        checkStreamedPush(Array(bytes), tree: nil)
        return 0
    }
    let encoded = JSONWriter.canonical(value)
    guard let reparsed = try? JSONParser.parse(encoded) else { fatalError("canonical output does not parse") }
    if !sameJSON(reparsed, value) { fatalError("canonical round trip changed the value") }
    if JSONWriter.canonical(reparsed) != encoded { fatalError("canonical encoding is not a fixed point") }

    // The server's view of a push body.
    if let object = value.objectValue, object["protocol"]?.intValue != nil {
        checkWire(object["revisions"])
    }
    checkStreamedPush(Array(bytes), tree: value)
    // A bare list of wire revisions, and a bare revision.
    if value.arrayValue != nil { checkWire(value) }
    if value.objectValue != nil, let revision = try? Revision(json: value) { checkRoundTrip(revision) }
    // The client's view of a pulled revision: the bytes must be canonical.
    if let revision = try? Revision(canonicalBytes: bytes) {
        if revision.canonicalBytes != Array(bytes) { fatalError("accepted non-canonical bytes") }
        checkRoundTrip(revision)
    }
    return 0
}

/// The streamed push decoder against the tree: same acceptance, same revisions.
func checkStreamedPush(_ bytes: [UInt8], tree: JSONValue?) {
    let streamed = Result { () throws(PushRequest.DecodingError) in try PushRequest(decoding: bytes).revisions }
    guard let object = tree?.objectValue, let version = object["protocol"]?.intValue, version == SyncProtocol.version,
          let revisions = try? SyncProtocol.decodeWireRevisions(object["revisions"]),
          revisions.count <= SyncProtocol.maxRevisionsPerPush else {
        if case .success = streamed { fatalError("the streamed push decoder accepted what the tree decoder refuses") }
        return
    }
    guard case .success(let decoded) = streamed else { fatalError("the streamed push decoder refused a valid push") }
    if decoded.map(\.id) != revisions.map(\.id) { fatalError("the streamed push decoder decoded other revisions") }
}

func checkWire(_ value: JSONValue?) {
    guard let revisions = try? SyncProtocol.decodeWireRevisions(value) else { return }
    for revision in revisions { checkRoundTrip(revision) }
}

func checkRoundTrip(_ revision: Revision) {
    guard let again = try? Revision(canonicalBytes: revision.canonicalBytes, expectedID: revision.id) else {
        fatalError("a decoded revision's canonical bytes do not decode again")
    }
    if again.id != revision.id || again.canonicalBytes != revision.canonicalBytes { fatalError("revision round trip changed it") }
}

/// Structural equality up to the number representation: the canonical writer prints an integral
/// double below 1e15 as an integer, which parses back as `.int`, so 1.0 and 1 count as the same.
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.int(x), .int(y)): return x == y
    case let (.double(x), .double(y)): return x == y
    case let (.int(x), .double(y)), let (.double(y), .int(x)): return Double(x) == y
    case let (.string(x), .string(y)): return x == y
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
    case let (.object(x), .object(y)):
        return x.count == y.count && x.allSatisfy { key, v in y[key].map { sameJSON(v, $0) } ?? false }
    default: return false
    }
}
