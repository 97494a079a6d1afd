/// Where an export writes its bytes: standard output or an atomic file.
public protocol ExportSink: AnyObject {
    /// Appends text as UTF-8.
    func write(_ text: String)
    /// Appends raw bytes.
    func write(bytes: [UInt8])
}
