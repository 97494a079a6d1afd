import NotesCore
import NotesExport

/// Lets commands write exports straight to standard output.
extension BufferedOutput: ExportSink {}
