// libFuzzer entry: arbitrary bytes as notebook text, through both front-ends (.md with YAML front
// matter and ```convlens fences, and .yaml with `cells:`) including every step's checks. Parsing only:
// no model is loaded and no step runs. Every failure must be a thrown error; a trap or a hang is a bug.
import Foundation
import Notebooks

// A static property, initialised lazily on first use: a global here would be top-level code that only
// runs from `main`, and libFuzzer's own `main` never runs ours.
private enum Setting {
  /// Where the notebook "lives": relative paths resolve against it; the parser never reads them.
  static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-fuzz-notebook")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  // NotebookParser.load refuses text that is not UTF-8 before parsing; do the same.
  guard let text = String(data: Data(bytes: data, count: size), encoding: .utf8) else { return 0 }
  for name in ["fuzz.md", "fuzz.yaml"] {
    do {
      let notebook = try NotebookParser.parse(text, url: Setting.folder.appendingPathComponent(name), displayName: name,
                                              currentDirectory: Setting.folder)
      _ = notebook.cells.count
    } catch {
      _ = String(describing: error)
    }
  }
  return 0
}
