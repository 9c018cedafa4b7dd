// Synthetic documents for the rendering tests: gradients and patterns generated here, nothing copied.
import Document
import Foundation

enum Samples {
  /// A smooth RGB gradient, `width` x `height`.
  static func gradient(width: Int = 64, height: Int = 48, seed: Int = 0) throws -> RasterImage {
    try RasterImage(width: width, height: height) { x, y in
      RGBA(UInt8((x * 255) / max(1, width - 1)), UInt8((y * 255) / max(1, height - 1)), UInt8((seed * 53) % 256))
    }
  }

  /// A blob centred in the image: red at the centre fading to transparent (a fake heatmap).
  static func heatmap(width: Int = 64, height: Int = 48) throws -> RasterImage {
    try RasterImage(width: width, height: height) { x, y in
      let dx = Double(x) / Double(width) - 0.6
      let dy = Double(y) / Double(height) - 0.4
      let v = exp(-(dx * dx + dy * dy) * 12)
      return RGBA(255, UInt8(255 * (1 - v)), 0, UInt8(255 * v))
    }
  }

  /// A 3x3 checker, shown pixelated like a first-layer filter.
  static func filter(_ index: Int) throws -> RasterImage {
    try RasterImage(width: 3, height: 3) { x, y in
      let on = (x + y + index) % 2 == 0
      return on ? RGBA(UInt8(40 * (index % 6)), 90, 200) : RGBA(230, 220, UInt8(20 * (index % 12)))
    }
  }

  static let koreanProse = """
    합성곱 신경망 시각화는 모델이 **어디를 보고** 판단하는지 보여 줍니다. 이번 주 강의에서는 *필터 시각화*, \
    `Grad-CAM`, 가림(occlusion) 실험을 다루었고, 각 방법이 무엇을 측정하는지 정리합니다. \
    자세한 설명은 [Grad-CAM 논문](https://arxiv.org/abs/1610.02391)을 참고하세요.
    """

  static func sampleDocument(paragraphs: Int = 3) throws -> ReportDocument {
    let image = try gradient()
    let heat = try heatmap()
    var blocks: [Block] = []
    blocks.append(.heading(level: 1, text: "강의 복습"))
    for _ in 0..<paragraphs { blocks.append(.markdown(koreanProse)) }
    blocks.append(.markdown("""
      ## 학습 목표

      - 첫 번째 합성곱 층의 필터를 **직접** 그려 본다
      - Grad-CAM 이 ReLU 를 쓰는 이유를 설명한다
        1. 양의 기여만 남긴다
        2. 반대 클래스의 근거를 지운다

      > 인용: 시각화는 설명이 아니라 단서다.

      ```python
      cam = relu((weights[:, None, None] * activations).sum(0))  # [H, W]
      ```

      | 방법 | 층 | 비용 |
      |:-----|:--:|----:|
      | Grad-CAM | features.8 | 1 backward |
      | Occlusion | 입력 | 49 forward |

      <script>alert("x")</script>
      """))
    blocks.append(.figure(Figure(
      id: "grad-cam", panels: [
        FigurePanel(image: image, label: "입력 (224×224)"),
        FigurePanel(image: image, overlay: heat, alpha: 0.5, label: "Grad-CAM"),
      ], caption: "Grad-CAM, 층 features.8, 대상 tabby (0.62), 최소-최대 정규화, 양선형 보간, jet, α = 0.5.",
      colorbar: Colorbar(colormapStops: [RGB(0, 0, 130), RGB(0, 200, 255), RGB(255, 255, 0), RGB(200, 0, 0)],
                         minLabel: "0", maxLabel: "1", title: "중요도"),
      variants: [FigureVariant(label: "tabby", panels: [FigurePanel(image: image, overlay: heat, alpha: 0.5)]),
                 FigureVariant(label: "coffee mug", panels: [FigurePanel(image: heat, overlay: image, alpha: 0.5)])],
      kind: .heatmap)))
    blocks.append(.heading(level: 2, text: "필터"))
    blocks.append(.grid(Grid(id: "filters", columns: 8, tiles: try (0..<16).map {
      Figure(id: "f\($0)", panels: [FigurePanel(image: try filter($0), pixelated: true)], caption: "#\($0)")
    }, caption: "첫 번째 합성곱 층의 필터 16개 (채널별 최소-최대 정규화).")))
    blocks.append(.table(Table(header: ["클래스", "확률"], rows: [["tabby", "0.62"], ["coffee mug", "0.21"]],
                               caption: "상위 2개 예측.", alignments: [.left, .right])))
    blocks.append(.chart(Chart(id: "curve", caption: "가림 크기에 따른 점수.", series: [
      ChartSeries(label: "tabby", color: RGB(0x1d, 0x5f, 0xa8), style: .lineWithPoints,
                  points: (0..<8).map { ChartPoint(x: Double($0 * 8), y: 0.6 - 0.05 * Double($0)) }),
      ChartSeries(label: "mug", color: RGB(0xd0, 0x55, 0x1f), style: .points,
                  points: (0..<8).map { ChartPoint(x: Double($0 * 8), y: 0.2 + 0.03 * Double($0 % 3)) }),
    ], xLabel: "patch (px)", yLabel: "score")))
    blocks.append(.heading(level: 1, text: "Peer session"))
    blocks.append(.markdown("Latin text with *emphasis*, `code` and a [link](https://example.org/page)."))
    return ReportDocument(title: "CNN 시각화 강의 복습", subtitle: "합성곱 신경망 시각화", author: "홍길동",
                          date: "2026-11-26", language: "ko", blocks: blocks)
  }
}
