import Codecs

/// A received JSON object read member by member, every failure a `SyncProtocolError` naming
/// the message and the member: the one place the messages' decoders check types and ranges.
///
/// Members the reader does not ask for are ignored, so a newer peer may add some.
struct WireObject {
    /// What the object is, for errors ("pull response", "error body").
    let message: String
    private let members: [String: JSONValue]

    /// Parses `bytes` (strict JSON; see `JSONParser`), which must be an object.
    init(parsing bytes: some Collection<UInt8>, message: String) throws(SyncProtocolError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .invalidJSON(message: message, reason: error.description)
        }
        guard let members = value.objectValue else {
            throw .invalidJSON(message: message, reason: "it is \(value.typeName)")
        }
        self.message = message
        self.members = members
    }

    /// Reads members already parsed (by a streaming decoder).
    init(members: [String: JSONValue], message: String) {
        self.message = message
        self.members = members
    }

    /// Reads the object held by `key` of `parent`.
    init(member key: String, of parent: WireObject, message: String) throws(SyncProtocolError) {
        guard let value = parent.members[key] else { throw .missingMember(message: parent.message, key: key) }
        guard let members = value.objectValue else {
            throw .invalidMember(message: parent.message, key: key, expected: "an object")
        }
        self.message = message
        self.members = members
    }

    /// The string at `key`.
    func string(_ key: String) throws(SyncProtocolError) -> String {
        guard let value = try optionalString(key) else { throw .missingMember(message: message, key: key) }
        return value
    }

    /// The string at `key`, or nil when there is no such member.
    func optionalString(_ key: String) throws(SyncProtocolError) -> String? {
        guard let value = members[key] else { return nil }
        guard let string = value.stringValue else { throw .invalidMember(message: message, key: key, expected: "a string") }
        return string
    }

    /// The whole number at `key`, which must be `minimum` or more.
    func int(_ key: String, minimum: Int64 = 0) throws(SyncProtocolError) -> Int64 {
        guard let value = members[key] else { throw .missingMember(message: message, key: key) }
        guard let number = value.intValue, number >= minimum else {
            throw .invalidMember(message: message, key: key, expected: "a whole number of \(minimum) or more")
        }
        return number
    }

    /// The boolean at `key`.
    func bool(_ key: String) throws(SyncProtocolError) -> Bool {
        guard let value = members[key] else { throw .missingMember(message: message, key: key) }
        guard let bool = value.boolValue else { throw .invalidMember(message: message, key: key, expected: "true or false") }
        return bool
    }

    /// The list of strings at `key`, or nil when there is no such member.
    func optionalStrings(_ key: String) throws(SyncProtocolError) -> [String]? {
        guard let value = members[key] else { return nil }
        guard let items = value.arrayValue else { throw .invalidMember(message: message, key: key, expected: "a list of strings") }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard let string = item.stringValue else {
                throw .invalidMember(message: message, key: key, expected: "a list of strings")
            }
            strings.append(string)
        }
        return strings
    }
}
