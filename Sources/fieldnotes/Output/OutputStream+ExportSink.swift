import NotesCore

/// Lets commands write exports straight to standard output.
extension OutputStream: ExportSink {}
