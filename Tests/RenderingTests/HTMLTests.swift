import Document
import Foundation
import Testing
@testable import Rendering

@Suite struct HTMLTests {
  static let hostileMarkdown = """
    Text with a [user link](https://example.org/page) and <script>alert("inline")</script> raw HTML.

    <script>alert("block")</script>

    <iframe src="https://evil.example/frame"></iframe>

    ![remote picture](https://evil.example/pixel.png) and [bad](javascript:alert(1))
    """

  func render(_ document: ReportDocument, templates: URL? = nil) throws -> String {
    String(decoding: try HTMLRenderer(templateDirectory: templates).render(document), as: UTF8.self)
  }

  func hostileDocument() throws -> ReportDocument {
    var document = try Samples.sampleDocument(paragraphs: 1)
    document.blocks.append(.markdown(Self.hostileMarkdown))
    return document
  }

  /// Every `<tag ... attribute="value"` in the HTML, lower-cased tag names.
  func attributes(_ html: String, tags: [String], attribute: String) -> [String] {
    let pattern = try? NSRegularExpression(
      pattern: "<(\(tags.joined(separator: "|")))\\b[^>]*\\b\(attribute)\\s*=\\s*[\"']?([^\"' >]*)", options: [.caseInsensitive])
    let range = NSRange(html.startIndex..., in: html)
    return pattern?.matches(in: html, range: range).compactMap { match in
      Range(match.range(at: 2), in: html).map { String(html[$0]) }
    } ?? []
  }

  @Test func loadsNothingFromTheNetwork() throws {
    let html = try render(try hostileDocument())
    let tags = ["img", "image", "script", "link", "iframe", "object", "embed", "source", "video", "audio"]
    let sources = attributes(html, tags: tags, attribute: "src") + attributes(html, tags: tags, attribute: "href")
    #expect(!sources.isEmpty)
    for source in sources {
      #expect(source.hasPrefix("data:image/png;base64,"), "external resource \(source.prefix(60))")
    }
    // Pictures are drawn from the page's own library, never from elsewhere.
    let uses = attributes(html, tags: ["use"], attribute: "href")
    #expect(!uses.isEmpty && uses.allSatisfy { $0.hasPrefix("#img-") }, "\(uses.prefix(3))")
    #expect(!html.contains("<iframe"))
    #expect(!html.lowercased().contains("<link "))
    #expect(html.contains("default-src 'none'; img-src data:"), "a CSP forbids network requests")
  }

  @Test func runsNoScriptFromTheNotes() throws {
    let html = try render(try hostileDocument())
    // Raw HTML is shown as escaped text, never obeyed.
    #expect(!html.contains("<script>alert"), "raw HTML from the notes is never markup")
    #expect(html.contains("&lt;script&gt;alert"), "raw HTML from the notes is shown escaped")
    #expect(!html.contains("<!-- raw HTML omitted -->"))
    #expect(!html.contains("javascript:"))
    #expect(html.components(separatedBy: "<script").count == 2, "exactly one script: the report's own")
    // The CSP allows only that script, by hash.
    let script = try #require(html.components(separatedBy: "<script>").last?.components(separatedBy: "</script>").first)
    #expect(html.contains("script-src '\(cspHash(script))'"))
  }

  @Test func userLinksStayLinks() throws {
    let html = try render(try hostileDocument())
    #expect(html.contains("<a href=\"https://example.org/page\">user link</a>"))
    #expect(html.contains("<a href=\"https://evil.example/pixel.png\">remote picture</a>"), "remote images become links")
    #expect(html.contains("<a href=\"https://arxiv.org/abs/1610.02391\">"))
  }

  @Test("each distinct picture is stored once and drawn by id wherever it is used")
  func picturesAreStoredOnce() throws {
    var document = try Samples.sampleDocument(paragraphs: 1)
    let figures = document.blocks.compactMap { block -> Figure? in if case .figure(let figure) = block { return figure } else { return nil } }
    let figure = try #require(figures.first, "the sample document has a figure")
    document.blocks += [.figure(figure), .figure(figure)]  // the same pictures twice more
    let html = try render(document)
    let stored = attributes(html, tags: ["image"], attribute: "href")
    let uses = attributes(html, tags: ["use"], attribute: "href")
    #expect(Set(stored).count == stored.count, "a PNG stored twice")
    #expect(uses.count > stored.count, "\(uses.count) uses of \(stored.count) pictures")
    let ids = Set(uses.map { String($0.dropFirst()) })
    for id in ids { #expect(html.contains("<image id=\"\(id)\""), "use of missing \(id)") }
    let panelsPerFigure = figure.panels.count + figure.panels.filter { $0.overlay != nil }.count
    #expect(uses.count >= 3 * panelsPerFigure)
  }

  @Test func twoRendersGiveIdenticalBytes() throws {
    let document = try hostileDocument()
    #expect(try render(document) == render(document))
  }

  @Test func interactiveFiguresAndContents() throws {
    let html = try render(try Samples.sampleDocument())
    #expect(html.contains("<nav class=\"sidebar\""))
    #expect(html.contains("<a href=\"#sec-1-1\"><span class=\"toc-number\">1.1</span> 학습 목표</a>"))
    #expect(html.contains("<h3 id=\"sec-1-1\"><span class=\"section-number\">1.1</span> 학습 목표</h3>"))
    #expect(html.contains("type=\"range\""), "overlay opacity slider")
    #expect(html.contains("data-variant=\"1\">coffee mug</button>"), "class switcher")
    #expect(html.contains("<span class=\"figure-label\">그림 2.</span> 첫 번째 합성곱 층의 필터"))
    #expect(html.contains("<caption><span class=\"table-label\">표 1.</span> 상위 2개 예측.</caption>"))
    #expect(!html.contains("{{"), "no unrendered Mustache tags")
  }

  @Test func escapesDocumentText() throws {
    let document = ReportDocument(title: "<b>title</b> & co", blocks: [
      .heading(level: 1, text: "<img src=x onerror=alert(1)>"),
      .table(Table(header: ["<th>"], rows: [["<td>&"]])),
    ])
    let html = try render(document)
    #expect(html.contains("&lt;b&gt;title&lt;/b&gt; &amp; co"))
    #expect(!html.contains("<img src=x"))
    #expect(html.contains("&lt;td&gt;&amp;"))
  }

  @Test func usesTemplatesFromADirectoryAndFallsBackPerFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convlens-templates-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try "body { color: rebeccapurple; }\n".write(to: directory.appendingPathComponent("report.css"), atomically: true, encoding: .utf8)
    let html = try render(try Samples.sampleDocument(), templates: directory)
    #expect(html.contains("rebeccapurple"))
    #expect(html.contains("<nav class=\"sidebar\""), "other files come from the defaults")
  }

  @Test func missingTemplateDirectoryIsAnError() throws {
    let missing = URL(fileURLWithPath: "/nonexistent/convlens-templates")
    #expect(throws: RenderingError.self) { try render(ReportDocument(title: "x"), templates: missing) }
  }

  @Test func cspHashIsTheBase64SHA256OfTheScript() {
    // FIPS 180-2 appendix B.1: SHA-256("abc") = ba7816bf...f20015ad, here in base64 as CSP wants it.
    #expect(cspHash("abc") == "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
  }

}
