import NotesCore

/// When the CLI shows persons' real names and when their pseudonyms, in one place.
///
/// Exports are pseudonymised by default: they leave the laptop. Real names are kept for
/// `--backup` (the restore path, which must bring back exactly what the store holds) and, with
/// `--real-names`, for a coordinator or a store that syncs with no server. The role is the one
/// the server last reported; the server enforces roles again on every push.
enum Pseudonymisation {
    /// The masking for an export, or nil for real names.
    ///
    /// - Throws: `PseudonymisationError.realNamesNotAllowed` (exit 4) for `--real-names` in a
    ///   store whose server role is not coordinator.
    static func masking(for store: NoteStore, realNames: Bool, backup: Bool, context: Context) throws -> NameMasking? {
        if backup {
            if try !store.people.all().isEmpty {
                context.err.line("Note: a backup keeps real names (it is the restore path); keep it as safe as the store itself.")
            }
            return nil
        }
        if realNames {
            guard try store.sync.remote() == nil || store.sync.serverRole() == "coordinator" else {
                throw PseudonymisationError.realNamesNotAllowed(role: try store.sync.serverRole())
            }
            return nil
        }
        return NameMasking(try store.people.pseudonymiser())
    }

    /// The masking for `list`, `show` and `search`: real names unless `--pseudonymise`.
    static func masking(for store: NoteStore, pseudonymise: Bool) throws -> NameMasking? {
        pseudonymise ? NameMasking(try store.people.pseudonymiser()) : nil
    }

    /// Says on stderr what was replaced (nothing when no person is registered: there was nothing to replace).
    static func report(_ masking: NameMasking?, context: Context) {
        guard let masking, masking.hasRegister else { return }
        let count = masking.replaced.count
        context.err.line("Pseudonymised: \(count == 1 ? "1 person's name" : "\(count) persons' names") replaced by pseudonyms (registered persons: fieldnotes people).")
    }
}

/// Why real names may not be shown.
enum PseudonymisationError: UserFacingError {
    /// `--real-names` from a store whose server role is `role` (nil: never reported).
    case realNamesNotAllowed(role: String?)

    var message: String {
        switch self {
        case .realNamesNotAllowed(let role):
            "Only a coordinator may export real names; the server knows you as \(role.map { "a \(UntrustedText.line($0))" } ?? "a user whose role this store has not seen yet (run 'fieldnotes sync')"). Leave out --real-names to export with pseudonyms."
        }
    }

    var exitCode: Int32 { ExitCode.authentication }
}
