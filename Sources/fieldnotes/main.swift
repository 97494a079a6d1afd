import Foundation
import NotesCore

exit(Fieldnotes.main(Array(CommandLine.arguments.dropFirst())))
