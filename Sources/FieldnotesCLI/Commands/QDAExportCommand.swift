import Foundation
import NotesCore
import NotesExport

/// The REFI-QDA part of `fieldnotes export`: `--format qdpx` (a project) and `--format qdc` (the codebook).
enum QDAExportCommand {
    static func write(format: ExportFormat, store: NoteStore, filter: NoteFilter, language: Language, group: String?,
                      sink: ExportSink, file: AtomicFile?) throws {
        let project = QDAProject(
            eachNote: { body in try store.forEachNote(matching: filter, body) },
            codebook: try store.codebook.entries(),
            visits: try store.visits.all(includeDeleted: true),
            // The replica id names the GUIDs, so exports of the same store keep them.
            storeIdentity: store.replicaID,
            // The group's name, never the store's file name: a project is handed on.
            name: group ?? "fieldnotes",
            creationDate: Date(), language: language)
        switch format {
        case .qdc:
            sink.write(try project.codebookXML())
        default:
            guard let file else { throw ExportError.outputRequired(format.rawValue) }
            // The archive is written under the temporary name; `commit` renames it into place.
            try project.writeQDPX(to: file.temporaryPath)
        }
    }
}
