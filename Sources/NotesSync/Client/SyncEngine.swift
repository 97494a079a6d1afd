import NotesCore

/// Runs one sync of a local store with the server: push, pull, push the merges.
///
/// Every step is idempotent, because revision ids are content hashes: a push that is cut off
/// is sent again and the server skips what it has; each pulled batch is stored together with
/// the checkpoint in one transaction. So killing the process at any point loses nothing and
/// the next sync finishes the work.
///
/// Merging is the store's: the last pulled batch is merged in the transaction that stores it
/// (`NoteStore.receive`), together with any merge an earlier, cut-off pull left pending
/// (which every local command completes too: `NoteStore.mergePending`). The engine only
/// reports what the store merged and what it could not.
public final class SyncEngine {
    private let store: NoteStore
    private let transport: SyncTransport
    private let url: String
    private let progress: ((String) -> Void)?
    private var maxBody = 1 << 20
    /// This store's revisions that the server stored purged on arrival during this sync.
    private var purgedOnArrival: Set<String> = []
    /// The role the server required for a revision it refused in this sync (a purge), if any.
    private var roleRefusal: String?

    /// Revisions per pull request. Pages of 2,000 (about 3 MB of notes) let the pipelined pull
    /// overlap fetching and storing from early on: with pages of 5,000 (or 8 MiB), a first sync
    /// of 10,000 notes came in two pages and half of it was decoded before any was stored.
    /// Pages of 1,000 overlapped no better and cost 20 concurrent clients about 15 % more requests' time.
    public var pullLimit = SyncProtocol.defaultPullLimit
    /// Revisions per push request (also bounded by the server's body limit).
    public var pushBatch = 1_000
    /// The size a push request is filled to, at most (see `pushAll`).
    static let pushTargetBytes = 4 << 20

    /// Creates a sync of `store` through `transport`; `url` is only used in messages.
    public init(store: NoteStore, transport: SyncTransport, url: String, progress: ((String) -> Void)? = nil) {
        self.store = store
        self.transport = transport
        self.url = url
        self.progress = progress
    }

    /// Syncs, or with `dryRun` only counts what would be sent and fetched.
    @discardableResult
    public func run(dryRun: Bool = false) throws -> SyncSummary {
        try checkServer()
        // Asked until the server confirmed the identity, which also records the role (it decides
        // what this store may show with real names); `remote set` asks again. A sync with
        // nothing to do stays two requests.
        if try store.sync.remote()?.verified == false {
            try verifyIdentity()
        }
        var summary = SyncSummary()
        if dryRun {
            summary.dryRun = true
            summary.pushed = try store.sync.unpushedCount()
            summary.pulled = try countPullable()
            return summary
        }
        try store.useLargeCache()
        try checkLastPushIsStillThere()
        summary.pushed += try pushAll(&summary)
        try pullAll(&summary)
        // A purge received in the pull is applied; its bytes now leave the file.
        try store.finishPendingPurge()
        summary.purgeDrops += try store.purgeDrops(among: purgedOnArrival.subtracting(summary.purgeDrops.map(\.revision)))
        if let document = summary.unmerged.first(where: { $0.reason.needsUpgrade }) {
            throw SyncError.upgradeNeeded(document.reason.description)
        }
        // Push again: merges made now, and everything after a server reset.
        summary.pushed += try pushAll(&summary)
        summary.conflicts = try store.conflictCount()
        if let role = roleRefusal {
            throw SyncError.roleRequired(role: role, message: summary.description)
        }
        return summary
    }

    /// Asks the server who the token belongs to and checks it is this store's author.
    ///
    /// - Returns: the user and role the server reports.
    @discardableResult
    public func verifyIdentity() throws -> (user: String, role: String) {
        let response = try send(TransportRequest(WhoamiRequest.endpoint))
        guard response.status == 200 else { throw error(for: response) }
        let whoami = try decode(response, WhoamiResponse.init(decoding:))
        guard whoami.user == store.author else { throw SyncError.identityMismatch(storeAuthor: store.author, serverUser: whoami.user) }
        if try store.sync.remote() != nil {
            try store.sync.setRemoteVerified(true)
            if try store.sync.serverRole() != whoami.role { try store.sync.setServerRole(whoami.role) }
        }
        return (whoami.user, whoami.role)
    }

    /// Checks the server is a fieldnotes server speaking our protocol, and learns its body limit.
    public func checkServer() throws {
        let response = try send(TransportRequest(HealthRequest.endpoint))
        guard response.status == 200 else { throw SyncError.notAFieldnotesServer(url: url) }
        do {
            maxBody = try HealthResponse(decoding: response.body).maxBody
        } catch {
            guard case .protocolMismatch(let version) = error else { throw SyncError.notAFieldnotesServer(url: url) }
            throw SyncError.protocolMismatch(client: SyncProtocol.version, server: version)
        }
    }

    // MARK: - Push

    /// Pushes every unpushed revision in local order, in batches under the server's body limit.
    ///
    /// Only revisions the server takes from this token are sent: the author's own and merges.
    /// Another author's revision that is still marked unpushed is not this store's to send; it
    /// is marked pushed and left to its author. When the server lacks a parent (409), a parent
    /// this store may push is sent again; one only another author can send (the server was
    /// restored from a backup and that author has not synced since) holds back the revisions
    /// that depend on it until a later sync, while everything else goes now.
    ///
    /// A revision the server refuses by the admission rule (422, or 403 naming it) is held back
    /// with everything that depends on it and reported in `summary.heldBack`; the rest still goes.
    private func pushAll(_ summary: inout SyncSummary) throws -> Int {
        var accepted = 0
        var after: Int64 = 0
        var total = try store.sync.unpushedCount()
        var sent = 0
        var repushed: Set<String> = []
        var waiting: Set<String> = []
        var batchSize = pushBatch
        while true {
            let pending = try store.sync.unpushedRevisions(after: after, limit: batchSize)
            guard !pending.isEmpty else { break }
            var batch: [SyncState.StoredRevision] = []
            var notOurs: [String] = []
            var covered = after
            var body = PushRequest.writer(reserving: min(maxBody, 1 << 22))
            // Leave room for the envelope; each revision adds its id and wrapper. Batches stay near
            // 4 MiB even when the server takes more: the server reserves about four times a push's
            // size while it decodes it, so smaller pushes from many laptops fit its memory budget
            // side by side. A single larger revision still goes alone, up to the server's limit.
            let budget = maxBody - 64
            let target = min(budget, Self.pushTargetBytes)
            for revision in pending {
                // A purge record sent ahead of a revision it covers (below) is not sent twice.
                if batch.contains(where: { $0.id == revision.id }) {
                    covered = revision.seq
                    continue
                }
                if waiting.contains(revision.id) || revision.parents.contains(where: waiting.contains) {
                    waiting.insert(revision.id)
                    covered = revision.seq
                    continue
                }
                guard revision.isPushable(by: store.author) else {
                    notOurs.append(revision.id)
                    covered = revision.seq
                    continue
                }
                // A purged revision goes with its purge record when that is not on the server yet
                // (a purge recorded here after the revision was written, so later in the log).
                if let purge = revision.purgedBy, !batch.contains(where: { $0.id == revision.id }),
                   let record = try store.sync.unpushedPurgeRecord(purge), !batch.contains(where: { $0.id == record.id }),
                   !waiting.contains(record.id) {
                    body.append(id: record.id, canonicalBytes: record.bytes)
                    batch.append(record)
                }
                let size = revision.bytes.count + 96
                if size > budget { throw SyncError.revisionTooLarge(id: revision.id, bytes: revision.bytes.count, limit: maxBody) }
                if body.byteCount + size > target && !batch.isEmpty { break }
                body.append(id: revision.id, canonicalBytes: revision.bytes, purgedBy: revision.purgedBy)
                batch.append(revision)
                covered = revision.seq
            }
            if !notOurs.isEmpty { try store.sync.markPushed(notOurs) }
            guard !batch.isEmpty else {
                after = covered
                continue
            }
            let response = try send(TransportRequest(PushRequest.endpoint, body: body.finish()))
            switch response.status {
            case 200:
                let result = try decode(response, PushResponse.init(decoding:))
                accepted += result.accepted
                purgedOnArrival.formUnion(result.purged)
                try store.sync.markPushed(batch.map(\.id), serverSequence: result.lastSequence, serverRevision: result.last)
                after = covered
                sent += batch.count
                total = max(total, sent)
                progress?("Pushing \(sent)/\(total)")
            case 409:
                let refusal = try decode(response, ErrorResponse.init(decoding:))
                let inBatch = Set(batch.map(\.id))
                // Revisions of this batch named as missing only follow from a parent missing further up.
                let missing = (refusal.missing ?? []).filter { !inBatch.contains($0) }
                let held = try store.sync.storedRevisions(ids: missing)
                guard !missing.isEmpty, held.count == missing.count else {
                    throw SyncError.missingParents(missing.isEmpty ? Array(inBatch).sorted() : missing)
                }
                let ours = held.filter { $0.isPushable(by: store.author) }.map(\.id)
                let others = held.filter { !$0.isPushable(by: store.author) }.map(\.id)
                // Each round must learn something new, or the server and this store disagree: stop.
                guard !Set(ours).isSubset(of: repushed) || !Set(others).isSubset(of: waiting) else {
                    throw SyncError.missingParents(missing)
                }
                waiting.formUnion(others)
                if !ours.isEmpty {
                    // The server lost revisions it had acknowledged (restored from a backup): send them again.
                    repushed.formUnion(ours)
                    try store.sync.markUnpushed(ours)
                    after = 0
                    total = try store.sync.unpushedCount()
                }
            case 413 where batch.count > 1:
                batchSize = max(1, batch.count / 2)
            case 403, 422:
                // One revision of the batch breaks the admission rule: hold it (and what depends on
                // it) back, report it, and send the others.
                // A revision written under another name than the token's user is not a problem of
                // one revision but of the token (exit 4, "check 'fieldnotes remote set'").
                guard let refusal = Self.refusal(in: response), refusal.rule != .author,
                      batch.contains(where: { $0.id == refusal.revision }), !waiting.contains(refusal.revision) else {
                    throw error(for: response)
                }
                waiting.insert(refusal.revision)
                summary.heldBack.append(refusal)
                // A purge only a coordinator may send: the rest syncs, and the sync then fails (exit 4).
                if response.status == 403, (try? ErrorResponse(decoding: response.body))?.code == ErrorResponse.Code.forbiddenRole {
                    roleRefusal = "coordinator"
                }
            default:
                throw error(for: response)
            }
        }
        return accepted
    }

    // MARK: - Pull

    /// Pulls from the checkpoint until the server has nothing more; each batch and the checkpoint commit together.
    ///
    /// Each pulled revision passes the admission rule before it is stored; one that fails is
    /// reported in `summary.refused` and never stored, and everything else still comes in.
    /// The store merges with the last batch, when every document's history has arrived; what
    /// it merged and could not merge goes into `summary.merged` and `summary.unmerged`.
    ///
    /// Pipelined: the first page is fetched on this thread (a sync with one page, most of them,
    /// starts no thread); when more follow, a second thread fetches and decodes page N+1
    /// (`PullPipeline`) while this thread, the store's, admits and stores page N, in order, each
    /// page with its checkpoint. A failure on either side stops both: the fetcher's arrives
    /// here as an item and is thrown; one here stops the fetcher and waits for it before it is thrown.
    private func pullAll(_ summary: inout SyncSummary) throws {
        var received = 0
        var resets = 0
        defer { summary.pulled += received }
        // Normally the server leaves out what this replica sent; after a withdrawn purge it sends
        // those too, so the revisions the purge had rewritten here come back.
        let pullsOwn = try store.sync.pullsOwnRevisions()
        let exclude = pullsOwn ? nil : store.replicaID
        pulling: while true {
            let checkpoint = try store.sync.pullCheckpoint()
            var item = Self.fetchPage(transport, url: url, limit: pullLimit, replica: exclude, from: checkpoint)
            var pipeline: PullPipeline?
            defer { pipeline?.stop() }
            while true {
                switch item {
                case .failure(let error):
                    throw error
                case .response(let response):
                    if response.status == 409, resets == 0, Self.isReset(response) {
                        // The server was restored from an older backup: offer it everything again and start over.
                        // The fetcher has ended (nothing follows a non-page); joined, the transport is ours again.
                        pipeline?.stop()
                        resets += 1
                        try startOver()
                        summary.pushed += try pushAll(&summary)
                        continue pulling
                    }
                    throw error(for: response)
                case .page(let page, let contentRefusals):
                    // More to come: start fetching the next page before this one is stored.
                    if page.more && pipeline == nil { pipeline = startPull(from: (page.next, page.last), excluding: exclude) }
                    try store(page, contentRefusals: contentRefusals, received: &received, summary: &summary)
                    progress?("Pulling \(received)")
                    if !page.more {
                        if pullsOwn { try store.sync.setPullsOwnRevisions(false) }
                        return
                    }
                }
                guard let pipeline else { return }
                item = pipeline.take()
            }
        }
    }

    /// Admits and stores one pulled page with its checkpoint, in one transaction.
    ///
    /// - Parameter contentRefusals: for each revision, what `Admission.checkContent` refused, or
    ///   nil: that part of the rule was checked on the fetching thread, the rest is checked here.
    private func store(_ page: PullResponse, contentRefusals: [AdmissionRefusal?], received: inout Int,
                       summary: inout SyncSummary) throws {
        for item in page.undecodable {
            if case .unknownFormat(let detail) = item.error { throw SyncError.upgradeNeeded(detail) }
        }
        try store.write {
            var batch = store.admissionBatch()
            var admitted: [Revision] = []
            admitted.reserveCapacity(page.revisions.count)
            // A revision that does not decode or match its id breaks the rule's first part (`hash`): reported, never stored.
            for item in page.undecodable {
                summary.refused.append(AdmissionRefusal(revision: item.claimedID, rule: .hash, detail: item.error.description))
            }
            for (index, revision) in page.revisions.enumerated() {
                if try store.hasRevision(revision.id) { continue }
                if let refusal = contentRefusals[index] {
                    summary.refused.append(refusal)
                    continue
                }
                do {
                    // As admitted: with every erasure applied (the standing rule), so the store need not scan it again.
                    admitted.append(try batch.admit(revision, contentChecked: true))
                } catch let refusal as AdmissionRefusal {
                    summary.refused.append(refusal)
                }
            }
            let report = try store.receive(admitted, pushed: true, moreToCome: page.more, erasuresApplied: true)
            received += report.inserted
            summary.purgeDrops += report.purgeDrops
            summary.merged += report.merges.merged
            if !page.more { summary.unmerged = report.merges.unmerged }
            try store.sync.setPullCheckpoint(seq: page.next, revision: page.last)
        }
    }

    /// Starts fetching pull pages from `cursor` on the pipeline's thread.
    private func startPull(from cursor: (seq: Int64, revision: String), excluding: String?) -> PullPipeline {
        let transport = PipelineTransport(transport: transport)
        let (url, limit, replica) = (url, pullLimit, excluding)
        return PullPipeline(from: cursor) { seq, revision in
            Self.fetchPage(transport.transport, url: url, limit: limit, replica: replica, from: (seq, revision))
        }
    }

    /// Sends one pull from `cursor` and decodes its answer, with the store-free part of the
    /// admission rule checked for each revision; runs on whichever thread holds the transport.
    private static func fetchPage(_ transport: SyncTransport, url: String, limit: Int, replica: String?,
                                  from cursor: (seq: Int64, revision: String)) -> PulledPage {
        let pull = PullRequest(since: cursor.seq, after: cursor.revision, limit: limit, excludeReplica: replica)
        let request = TransportRequest(PullRequest.endpoint, query: pull.query)
        let response: TransportResponse
        do throws(TransportError) {
            response = try transport.send(request)
        } catch {
            return .failure(Self.syncError(error, sending: request, to: url))
        }
        guard response.status == 200 else { return .response(response) }
        do throws(SyncProtocolError) {
            let page = try PullResponse(decoding: response.body)
            let refusals = page.revisions.map { revision -> AdmissionRefusal? in
                do throws(AdmissionRefusal) {
                    try Admission.checkContent(revision)
                    return nil
                } catch {
                    return error
                }
            }
            return .page(page, contentRefusals: refusals)
        } catch {
            return .failure(SyncError(receiving: error))
        }
    }

    /// After a push whose sync was cut off before pulling, checks the server still holds where
    /// that push landed; a server restored from an older backup has lost it, so start over.
    private func checkLastPushIsStillThere() throws {
        let push = try store.sync.pushCheckpoint(), pull = try store.sync.pullCheckpoint()
        guard push.seq > pull.seq, !push.revision.isEmpty else { return }
        let response = try send(pullRequest(since: push.seq, after: push.revision, limit: 1))
        if response.status == 409 && Self.isReset(response) {
            try startOver()
        } else if response.status != 200 {
            throw error(for: response)
        }
    }

    /// Forgets the checkpoints and marks this store's revisions unpushed, so the next push and
    /// pull bring the server and the store level again (the server skips what it has).
    private func startOver() throws {
        try store.write {
            try store.sync.setPullCheckpoint(seq: 0, revision: "")
        }
        try store.sync.clearPushCheckpoint()
        try store.sync.markUnpushed()
    }

    private static func isReset(_ response: TransportResponse) -> Bool {
        (try? ErrorResponse(decoding: response.body))?.code == ErrorResponse.Code.reset
    }

    /// A pull from a checkpoint, leaving out what this replica sent (it has that).
    private func pullRequest(since: Int64, after: String, limit: Int? = nil) -> TransportRequest {
        let pull = PullRequest(since: since, after: after, limit: limit ?? pullLimit, excludeReplica: store.replicaID)
        return TransportRequest(PullRequest.endpoint, query: pull.query)
    }

    /// Counts what a pull would bring, storing nothing.
    private func countPullable() throws -> Int {
        var checkpoint = try store.sync.pullCheckpoint()
        var count = 0
        while true {
            let response = try send(pullRequest(since: checkpoint.seq, after: checkpoint.revision))
            guard response.status == 200 else { throw error(for: response) }
            let page = try decode(response, PullResponse.init(decoding:))
            for revision in page.revisions where try !store.hasRevision(revision.id) { count += 1 }
            guard page.more else { break }
            checkpoint = (page.next, page.last)
        }
        return count
    }

    // MARK: - Helpers

    private func send(_ request: TransportRequest) throws -> TransportResponse {
        do {
            return try transport.send(request)
        } catch {
            throw Self.syncError(error, sending: request, to: url)
        }
    }

    /// What a request that got no answer means to the user.
    private static func syncError(_ error: TransportError, sending request: TransportRequest, to url: String) -> SyncError {
        switch error {
        case .unreachable(let detail): .unreachable(url: url, detail: detail)
        case .tls(let detail): .unreachable(url: url, detail: "TLS: \(detail)")
        case .timeout: .unreachable(url: url, detail: "no answer in time to \(request.method) \(request.path)")
        case .invalidURL(let text): .invalidURL(text)
        }
    }

    /// Decodes a response body with a message type's decoder; a body that does not decode is
    /// an invalid response (or one from a newer program: `upgradeNeeded`, `protocolMismatch`).
    private func decode<Message>(_ response: TransportResponse,
                                 _ decoder: ([UInt8]) throws(SyncProtocolError) -> Message) throws(SyncError) -> Message {
        do {
            return try decoder(response.body)
        } catch {
            throw SyncError(receiving: error)
        }
    }

    /// The revision and rule a 403 or 422 refusal names, if it names one.
    static func refusal(in response: TransportResponse) -> AdmissionRefusal? {
        guard let refusal = (try? ErrorResponse(decoding: response.body))?.refusal else { return nil }
        // `detail` says what is wrong; the message is a whole sentence around it, which the
        // client words its own report around instead.
        var detail = refusal.detail
        while detail.hasSuffix(".") { detail.removeLast() }
        return AdmissionRefusal(revision: refusal.revision, rule: refusal.rule, detail: detail)
    }

    private func error(for response: TransportResponse) -> SyncError {
        let message = (try? ErrorResponse(decoding: response.body))?.message ?? "no details"
        switch response.status {
        case 401: return .unauthorized(url: url)
        case 403:
            if let body = try? ErrorResponse(decoding: response.body), body.code == ErrorResponse.Code.forbiddenRole {
                return .roleRequired(role: "coordinator", message: message)
            }
            return .forbidden(message)
        case 404: return .notAFieldnotesServer(url: url)
        case 507: return .serverDiskFull(url: url)
        default: return .server(status: response.status, message: message)
        }
    }
}

/// The engine's transport, lent to the pull's fetching thread.
///
/// `@unchecked Sendable` because transports are not `Sendable` (`SocketTransport` keeps one
/// connection). It is sound here because only one thread ever uses it at a time: the engine
/// creates this just before starting a `PullPipeline` and sends nothing itself until that
/// pipeline's `stop()` has returned, which waits for the fetching thread to end (`pullAll`
/// stops it before a reset's push, and on every way out by `defer`); the fetching thread is
/// the only other holder and sends only while it runs. The transport is never used by two
/// threads at once, and the semaphores between them order each handover.
private struct PipelineTransport: @unchecked Sendable {
    let transport: SyncTransport
}
