import Foundation

/// Retries a request the server answered with 503: its connection cap was reached, or a push
/// waited too long behind others for the database (pushes are stored one at a time).
enum ServerBusyRetry {
    /// Calls `attempt` until it gets something other than 503, waiting 0.2 s, 0.4 s, … (at most
    /// 5 s, with jitter so clients that were turned away together do not return together).
    static func send(maxRetries: Int, _ attempt: () throws(TransportError) -> TransportResponse) throws(TransportError) -> TransportResponse {
        var tries = 0
        while true {
            let response = try attempt()
            if response.status != 503 || tries >= maxRetries { return response }
            tries += 1
            let delay = min(5.0, 0.2 * pow(2.0, Double(tries - 1))) * Double.random(in: 0.75...1.25)
            Thread.sleep(forTimeInterval: delay)
        }
    }
}
