import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

// The sync client's URLSession transport, built as its own shared library
// (libFieldnotesURLSession.so) and loaded by `fieldnotes` only when it syncs.
//
// Linking FoundationNetworking (libcurl, GnuTLS, Kerberos, …) into the main binary costs about
// 15 ms at every process start, more than half of what `fieldnotes add` may take. Behind a C
// entry point the library carries no Swift types across the boundary, so it can be loaded with
// dlopen(3) into a binary that never linked it.

/// The session shared by all requests of a sync: ephemeral, no cache, no cookies.
private let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    configuration.httpMaximumConnectionsPerHost = 1
    return URLSession(configuration: configuration)
}()

/// Error kinds returned to the caller; they match `TransportError`.
private enum Failure: Int32 {
    case none = 0
    case unreachable = 1
    case tls = 2
    case timeout = 3
    case invalidURL = 4
}

/// Sends one request and waits for the answer, at most `deadline` seconds in total.
///
/// URLSession's own timeout on Linux is an idle timeout in whole seconds, so the request is
/// also cancelled when the total deadline passes. On success `status`, `responseBody` and
/// `responseLength` are set (the body is freed with `fieldnotes_urlsession_free`); on failure
/// `errorKind` and `errorMessage` are.
@_cdecl("fieldnotes_urlsession_send")
public func fieldnotesURLSessionSend(
    _ url: UnsafePointer<CChar>, _ method: UnsafePointer<CChar>, _ token: UnsafePointer<CChar>,
    _ body: UnsafePointer<UInt8>?, _ bodyLength: Int, _ deadline: Double,
    _ status: UnsafeMutablePointer<Int32>, _ responseBody: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
    _ responseLength: UnsafeMutablePointer<Int>, _ errorKind: UnsafeMutablePointer<Int32>,
    _ errorMessage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) {
    errorKind.pointee = Failure.none.rawValue
    responseBody.pointee = nil
    responseLength.pointee = 0
    errorMessage.pointee = nil
    func fail(_ kind: Failure, _ message: String) {
        errorKind.pointee = kind.rawValue
        errorMessage.pointee = strdup(message)
    }
    guard let target = URL(string: String(cString: url)) else { return fail(.invalidURL, String(cString: url)) }
    var request = URLRequest(url: target)
    request.httpMethod = String(cString: method)
    request.timeoutInterval = max(1, deadline.rounded(.up))
    request.setValue("Bearer \(String(cString: token))", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Accept")
    if let body {
        request.httpBody = Data(bytes: body, count: bodyLength)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let outcome = Mutex<(Int, Data?, Error?)?>(nil)
    let done = DispatchSemaphore(value: 0)
    let task = session.dataTask(with: request) { data, response, error in
        outcome.withLock { $0 = ((response as? HTTPURLResponse)?.statusCode ?? 0, data, error) }
        done.signal()
    }
    task.resume()
    if done.wait(timeout: .now() + deadline) == .timedOut {
        task.cancel()
        _ = done.wait(timeout: .now() + 2)
        return fail(.timeout, "no answer within \(Int(deadline)) s")
    }
    guard let (code, data, error) = outcome.withLock({ $0 }) else { return fail(.timeout, "no answer") }
    if let error {
        let (kind, message) = classify(error)
        return fail(kind, message)
    }
    guard code > 0 else { return fail(.unreachable, "no HTTP response") }
    status.pointee = Int32(code)
    let bytes = data ?? Data()
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
    bytes.copyBytes(to: buffer, count: bytes.count)
    responseBody.pointee = buffer
    responseLength.pointee = bytes.count
}

/// Frees a response body or error message returned by `fieldnotes_urlsession_send`.
@_cdecl("fieldnotes_urlsession_free_body")
public func fieldnotesURLSessionFreeBody(_ pointer: UnsafeMutablePointer<UInt8>?) {
    pointer?.deallocate()
}

/// Frees an error message returned by `fieldnotes_urlsession_send`.
@_cdecl("fieldnotes_urlsession_free_message")
public func fieldnotesURLSessionFreeMessage(_ pointer: UnsafeMutablePointer<CChar>?) {
    free(pointer)
}

private func classify(_ error: Error) -> (Failure, String) {
    guard let urlError = error as? URLError else { return (.unreachable, (error as NSError).localizedDescription) }
    switch urlError.code {
    case .timedOut: return (.timeout, urlError.localizedDescription)
    case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted, .serverCertificateHasUnknownRoot,
         .serverCertificateNotYetValid, .clientCertificateRejected, .clientCertificateRequired:
        return (.tls, urlError.localizedDescription)
    case .unsupportedURL, .badURL: return (.invalidURL, urlError.localizedDescription)
    default: return (.unreachable, urlError.localizedDescription)
    }
}
