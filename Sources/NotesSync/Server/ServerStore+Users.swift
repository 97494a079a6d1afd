import Foundation
import NotesCore

/// The users who may sync, each with a random token stored only as its SHA-256.
extension ServerStore {
    /// Creates a user and returns the new token (256 random bits, hex), which is shown once and never stored.
    public func addUser(_ name: String, role: ServerUser.Role) throws -> String {
        guard Self.isValidUserName(name) else { throw ServerStoreError.invalidUserName(name) }
        let token = NoteStore.randomHex(bytes: 32)
        try withWriter { database in
            try database.write {
                if try database.scalar("SELECT 1 FROM users WHERE name = ?", [.text(name)]) != nil {
                    throw ServerStoreError.userExists(name)
                }
                try database.run("INSERT INTO users(name, token_sha256, role, created, revoked) VALUES (?, ?, ?, ?, NULL)",
                                 [.text(name), .text(SHA256.hexDigest(token)), .text(role.rawValue), .integer(HybridClock.nowMilliseconds())])
            }
        }
        return token
    }

    /// Every user, by name.
    public func users() throws -> [ServerUser] {
        try withReader { database in
            let statement = try database.statement("SELECT name, role, created, revoked FROM users ORDER BY name")
            defer { statement.reset() }
            var result: [ServerUser] = []
            while try statement.step() {
                result.append(ServerUser(name: statement.text(0), role: ServerUser.Role(rawValue: statement.text(1)) ?? .researcher,
                                         created: statement.int(2), revoked: statement.isNull(3) ? nil : statement.int(3)))
            }
            return result
        }
    }

    /// Revokes a user's token; their revisions stay.
    public func revoke(_ name: String) throws {
        try withWriter { database in
            try database.write {
                try database.run("UPDATE users SET revoked = ? WHERE name = ? AND revoked IS NULL",
                                 [.integer(HybridClock.nowMilliseconds()), .text(name)])
                if database.changes == 0 {
                    guard try database.scalar("SELECT 1 FROM users WHERE name = ?", [.text(name)]) != nil else {
                        throw ServerStoreError.noSuchUser(name)
                    }
                }
            }
        }
    }

    /// The user a bearer token belongs to, if it is valid and not revoked.
    ///
    /// Every user's hash is compared in constant time, and all of them are always compared,
    /// so the time taken says nothing about which bytes matched.
    public func authenticate(token: String) throws -> ServerUser? {
        let hash = Array(SHA256.hexDigest(token).utf8)
        let candidates = try withReader { database in
            let statement = try database.statement("SELECT name, role, created, token_sha256 FROM users WHERE revoked IS NULL")
            defer { statement.reset() }
            var rows: [(ServerUser, [UInt8])] = []
            while try statement.step() {
                rows.append((ServerUser(name: statement.text(0), role: ServerUser.Role(rawValue: statement.text(1)) ?? .researcher,
                                        created: statement.int(2), revoked: nil), statement.bytes(3)))
            }
            return rows
        }
        var found: ServerUser?
        for (user, stored) in candidates where ConstantTime.equal(stored, hash) {
            found = user
        }
        return found
    }

    static func isValidUserName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name == name.trimmingCharacters(in: .whitespaces)
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether two byte strings are equal, looking at every byte.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
