// Ctrl-C (SIGINT) or SIGTERM during a render: remove the temporary files in flight and exit 130.
// Outputs are only ever renamed into place, so the previous report stays as it was. The signals are
// taken by a dispatch source rather than a C handler, so the clean-up runs as ordinary code on a
// queue (file removal is not async-signal-safe).
import Dispatch
import Foundation
import Notebooks

enum Interrupts {
  /// Exit status after an interrupt (128 + SIGINT, as shells report it).
  static let exitStatus: Int32 = 130
  nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

  static func install() {
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue(label: "convlens.interrupt"))
      source.setEventHandler {
        InFlightFiles.shared.removeAllBeforeExit()
        FileHandle.standardError.write(Data("convlens: interrupted; earlier outputs are unchanged\n".utf8))
        _exit(exitStatus)
      }
      source.resume()
      sources.append(source)
    }
  }
}
