import Foundation
import NotesCore
import Codecs

/// The users who may sync, each with a random token stored only as its SHA-256.
///
/// Every name given here is brought to NFC and compared by bytes with the NFC form of every
/// stored name (see `UserName`), so "åse" typed precomposed or decomposed is one user, also
/// against a row an older version stored decomposed.
extension ServerStore {
    /// A new token for an existing user, from `issueToken(for:)`.
    public struct IssuedToken: Sendable, Equatable {
        /// The token (256 random bits, hex); shown once, only its SHA-256 is stored.
        public let token: String
        /// The user it belongs to, as now stored (active).
        public let user: ServerUser
        /// Whether the user had been revoked and is active again now.
        public let wasRevoked: Bool
        /// The stored spelling the user was renamed from, when it was not in NFC.
        public let renamedFrom: String?
        /// Other stored spellings of the same name (rows from before names were normalised), revoked now.
        public let otherSpellings: [String]
    }

    /// Creates a user and returns the new token (256 random bits, hex), which is shown once and never stored.
    ///
    /// - Throws: `ServerStoreError.invalidUserName` when the name (in NFC) breaks the name rule,
    ///   `.userExists` when any spelling of it is already a user, revoked or not.
    public func addUser(_ name: String, role: ServerUser.Role) throws -> String {
        let name = UserName.normalized(name)
        if let problem = UserName.problem(name) { throw ServerStoreError.invalidUserName(name, problem) }
        let token = NoteStore.randomHex(bytes: 32)
        try withWriter { database in
            try database.write {
                if !(try Self.spellings(of: name, in: database)).isEmpty { throw ServerStoreError.userExists(name) }
                try database.run("INSERT INTO users(name, token_sha256, role, created, revoked) VALUES (?, ?, ?, ?, NULL)",
                                 [.text(name), .text(SHA256.hexDigest(token)), .text(role.rawValue), .integer(HybridClock.nowMilliseconds())])
            }
        }
        return token
    }

    /// Replaces an existing user's token with a new one and makes the user active again.
    ///
    /// The previous token stops working at once. This is how a revoked user (a stolen laptop)
    /// gets back in under the same name, so their unpushed work still carries their name. A
    /// stored name that is not in NFC is renamed to its NFC form; any other stored spelling of
    /// the same name is revoked, so one name is one user from then on.
    ///
    /// - Throws: `ServerStoreError.noSuchUser` when no spelling of the name is a user.
    public func issueToken(for name: String) throws -> IssuedToken {
        let name = UserName.normalized(name)
        let token = NoteStore.randomHex(bytes: 32)
        return try withWriter { database in
            try database.write {
                let rows = try Self.spellings(of: name, in: database)
                guard let target = rows.first(where: { UserName.same($0.name, name) }) ?? rows.min(by: { $0.created < $1.created }) else {
                    throw ServerStoreError.noSuchUser(name)
                }
                let now = HybridClock.nowMilliseconds()
                for other in rows where !UserName.same(other.name, target.name) && other.revoked == nil {
                    try database.run("UPDATE users SET revoked = ? WHERE name = ?", [.integer(now), .text(other.name)])
                }
                try database.run("UPDATE users SET name = ?, token_sha256 = ?, revoked = NULL WHERE name = ?",
                                 [.text(name), .text(SHA256.hexDigest(token)), .text(target.name)])
                return IssuedToken(
                    token: token, user: ServerUser(name: name, role: target.role, created: target.created, revoked: nil),
                    wasRevoked: target.revoked != nil, renamedFrom: UserName.same(target.name, name) ? nil : target.name,
                    otherSpellings: rows.filter { !UserName.same($0.name, target.name) }.map(\.name))
            }
        }
    }

    /// Every user, by name.
    public func users() throws -> [ServerUser] {
        try withReader { database in try Self.allUsers(in: database) }
    }

    /// Revokes a user's token, under every stored spelling of the name; their revisions stay.
    public func revoke(_ name: String) throws {
        let name = UserName.normalized(name)
        try withWriter { database in
            try database.write {
                let rows = try Self.spellings(of: name, in: database)
                guard !rows.isEmpty else { throw ServerStoreError.noSuchUser(name) }
                for row in rows where row.revoked == nil {
                    try database.run("UPDATE users SET revoked = ? WHERE name = ?", [.integer(HybridClock.nowMilliseconds()), .text(row.name)])
                }
            }
        }
    }

    /// The user a bearer token belongs to, if it is valid, not revoked and its name is in NFC.
    ///
    /// Every user's hash is compared in constant time, and all of them are always compared,
    /// so the time taken says nothing about which bytes matched. The name returned is the
    /// stored NFC form, which the revisions of the push must carry as their author. A row
    /// whose name is not in NFC (stored by an older version) never signs in: it is another
    /// spelling of a name that looks the same, and could otherwise write as that user.
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
        return found.flatMap { $0.canSignIn ? $0 : nil }
    }

    /// Every stored row whose name has the NFC form `name` (normally one; two only in a
    /// database where an older version stored a second spelling).
    static func spellings(of name: String, in database: Database) throws -> [ServerUser] {
        try allUsers(in: database).filter { UserName.same(UserName.normalized($0.name), name) }
    }

    static func allUsers(in database: Database) throws -> [ServerUser] {
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
