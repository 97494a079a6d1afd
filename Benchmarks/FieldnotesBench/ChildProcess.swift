import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started with posix_spawn(3) and reaped with waitpid(2).
///
/// Foundation's `Process` on Linux learns that a child ended through its run loop, which adds
/// up to tens of milliseconds to every command; the commands measured here take 15–25 ms, so
/// the benchmark starts and waits for them itself.
struct ChildProcess {
    /// The child's process id.
    let pid: pid_t

    /// Starts `path` with `arguments` and `environment`, its standard streams on the given descriptors.
    init(path: String, arguments: [String], environment: [String: String],
         standardInput: Int32, standardOutput: Int32, standardError: Int32) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// Waits for the child to end; its exit status, or 128 plus the signal that ended it.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return 127 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// A pipe whose two ends are closed in children that do not take them as a standard stream.
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw BenchError("pipe: \(String(cString: strerror(errno)))") }
        // Children are started from this one thread, so no spawn can slip in before the flags are set.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// Opens a file for a child's standard stream (close-on-exec in the parent).
    static func open(_ path: String, writing: Bool) throws -> Int32 {
        let fd = Glibc.open(path, writing ? (O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC), 0o644)
        guard fd >= 0 else { throw BenchError("cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }
}
