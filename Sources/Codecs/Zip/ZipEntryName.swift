/// Checks a proposed entry name and returns the UTF-8 bytes to store.
///
/// Names are stored as given (no Unicode normalisation), with `/` as the only
/// separator. Refused: empty names, absolute paths, `..`, `.` and empty
/// segments, backslashes, NUL, and names over 65,535 bytes. These are the
/// names that could escape the extraction folder ("zip slip"), read
/// differently on Windows, or not fit the 16-bit length field.
///
/// Folders are implied by file paths; explicit directory entries (trailing
/// `/`) are not needed for REFI-QDA and are refused as an empty segment.
func validatedZipEntryName(_ name: String) throws(ZipError) -> [UInt8] {
    func refuse(_ problem: ZipError.EntryNameProblem) -> ZipError {
        .invalidEntryName(name, problem: problem)
    }
    let bytes = Array(name.utf8)
    guard !bytes.isEmpty else { throw refuse(.empty) }
    guard bytes.count <= Int(UInt16.max) else { throw refuse(.tooLong) }
    guard !bytes.contains(0) else { throw refuse(.nulCharacter) }
    guard !bytes.contains(UInt8(ascii: "\\")) else { throw refuse(.backslash) }
    guard bytes[0] != UInt8(ascii: "/") else { throw refuse(.absolute) }
    for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
        if segment.elementsEqual("..".utf8) { throw refuse(.parentSegment) }
        if segment.isEmpty || segment.elementsEqual(".".utf8) { throw refuse(.emptyOrDotSegment) }
    }
    return bytes
}
