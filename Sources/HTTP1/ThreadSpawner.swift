#if canImport(Glibc)
import Glibc
#endif

/// Starts detached POSIX threads for blocking socket work.
///
/// Blocking calls must never run on Swift's cooperative pool (two threads here), so the
/// accept loop and every connection get a thread of their own. Raw pthreads, rather
/// than Foundation's `Thread`, because creation can fail under load and the server
/// must then drop the connection instead of crashing.
enum ThreadSpawner {
    /// Holds the closure while it crosses into the new thread.
    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread.
    ///
    /// - Returns: false if the system refused to create the thread; `body` then never runs.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        return true
    }
}
