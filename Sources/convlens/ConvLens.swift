import ArgumentParser
import Foundation

/// `convlens`: look inside convolutional networks and write it up.
@main
struct ConvLens: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convlens",
    abstract: "Look inside convolutional networks: predictions, inspection and visualization reports.",
    version: ConvLensVersion.string,
    subcommands: [PredictCommand.self, InspectCommand.self, ExplainCommand.self, MethodsCommand.self,
                  RenderCommand.self, InitCommand.self])

  /// Exit codes (README "Exit codes"): 0 success, 1 bad input or a failed run (one message on
  /// stderr), 2 bad usage, 130 interrupted (SIGINT/SIGTERM, see `Interrupts`).
  static func main() {
    Interrupts.install()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as CommandError {
      FileHandle.standardError.write(Data("convlens: error: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch {
      let code = exitCode(for: error)
      if code == .success || code.rawValue == 0 {
        exit(withError: error)
      }
      if code == .validationFailure || error is ValidationError || isParseError(error) {
        FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
        Foundation.exit(2)
      }
      FileHandle.standardError.write(Data("convlens: error: \(String(describing: error))\n".utf8))
      Foundation.exit(1)
    }
  }

  /// Argument-parser errors (unknown flag, missing value) as opposed to errors from running.
  private static func isParseError(_ error: Error) -> Bool {
    String(reflecting: type(of: error)).contains("ArgumentParser")
  }
}

enum ConvLensVersion {
  static let string = "0.1.0"
}

/// An error a command reports as one line, exit code 1.
struct CommandError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
