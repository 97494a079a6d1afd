import CSQLite

/// The FTS5 tokenizers `fieldnotes` (stemmed) and `fieldnotes_exact` (as written), registered on
/// every connection of a store before its schema is touched, since the search tables name it.
///
/// The callbacks are C function pointers without context; the tokenizer "instance" FTS5 keeps
/// is not an allocation but the mode itself encoded as a non-null pointer value (1 stemmed,
/// 2 exact; registered as each name's user data), so there is nothing to free and nothing shared
/// between threads.
public enum SearchTokenizer {
    private static let stemmed = 1, exact = 2
    private static let names = [(name: "fieldnotes", mode: stemmed), (name: "fieldnotes_exact", mode: exact)]

    /// Registers the tokenizer on a connection; any connection that writes `notes` or reads the
    /// search tables of a store file needs it (the store registers it on its own).
    public static func register(on database: Database) throws(SQLiteError) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database.handle, "SELECT fts5(?1)", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw database.lastError(sql: "SELECT fts5(?1)")
        }
        defer { sqlite3_finalize(statement) }
        var api: UnsafeMutablePointer<fts5_api>?
        // The type name must outlive the statement: a static string lives for the whole program.
        let type: StaticString = "fts5_api_ptr"
        let typeName = UnsafeRawPointer(type.utf8Start).assumingMemoryBound(to: CChar.self)
        withUnsafeMutablePointer(to: &api) { pointer in
            _ = sqlite3_bind_pointer(statement, 1, UnsafeMutableRawPointer(pointer), typeName, nil)
            _ = sqlite3_step(statement)
        }
        guard let api, let create = api.pointee.xCreateTokenizer else {
            throw SQLiteError(code: SQLITE_ERROR, message: "this SQLite has no FTS5", sql: nil, systemErrno: 0)
        }
        var tokenizer = fts5_tokenizer(xCreate: createTokenizer, xDelete: deleteTokenizer, xTokenize: tokenize)
        // FTS5 copies the struct, so a local is enough.
        for (name, mode) in names {
            guard create(api, name, UnsafeMutableRawPointer(bitPattern: mode), &tokenizer, nil) == SQLITE_OK else {
                throw database.lastError(sql: nil)
            }
        }
    }

    /// The mode is the registered name's user data; arguments are refused.
    private static let createTokenizer: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafePointer<CChar>?>?, Int32,
                                                       UnsafeMutablePointer<OpaquePointer?>?) -> Int32 = { mode, _, count, out in
        guard count == 0, let mode else { return SQLITE_ERROR }
        out?.pointee = OpaquePointer(mode)
        return SQLITE_OK
    }

    private static let deleteTokenizer: @convention(c) (OpaquePointer?) -> Void = { _ in }

    private static let tokenize: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32,
                                                 (@convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32, Int32, Int32) -> Int32)?)
        -> Int32 = { instance, context, _, text, length, emit in
        guard let emit else { return SQLITE_ERROR }
        guard let text, length > 0 else { return SQLITE_OK }
        let stem = Int(bitPattern: instance) != SearchTokenizer.exact
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: Int(length))
        return WordScanner.scan(bytes, stem: stem) { word, start, end in
            word.withMemoryRebound(to: CChar.self) { token in
                emit(context, 0, token.baseAddress, Int32(token.count), Int32(start), Int32(end))
            }
        }
    }
}
