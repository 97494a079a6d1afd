import NotesCore

/// What a user's role allows beyond the admission rule, which every store applies alike: only the
/// server knows roles, so only it checks them.
///
/// A researcher may register persons and propose their pseudonyms, but not change a pseudonym
/// once set: a revision of a person by a researcher must carry the pseudonym of one of its
/// parents (a merge takes one side's pseudonym, so merging is never refused). A coordinator may
/// do everything.
enum RolePolicy {
    /// The refusal for `revision`, or nil when the user's role allows it.
    static func refusal(of revision: Revision, by user: ServerUser,
                        parent: (String) throws -> Revision?) throws -> AdmissionRefusal? {
        guard user.role != .coordinator, revision.kind == .person, !revision.parents.isEmpty else { return nil }
        let pseudonym = revision.fields["pseudonym"]
        for id in revision.parents {
            if let parent = try parent(id), parent.fields["pseudonym"] == pseudonym { return nil }
        }
        return AdmissionRefusal(revision: revision.id, rule: .role,
                                detail: "only a coordinator may change a person's pseudonym, and \(user.name) is a \(user.role.rawValue)")
    }
}
