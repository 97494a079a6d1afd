import FieldnotesCLI
import Foundation

exit(Fieldnotes.main(Array(CommandLine.arguments.dropFirst())))
