// Generated from Templates/html by Scripts/update_default_templates.py; do not edit.
// The built-in copy lets HTMLRenderer() work without the repository's Templates directory.

enum DefaultTemplates {
  static let files: [String: String] = [
    "report.html.mustache": #"""
<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src '{{scriptHash}}'; base-uri 'none'; form-action 'none'">
{{#author}}<meta name="author" content="{{author}}">
{{/author}}
<meta name="generator" content="ConvLens">
<title>{{title}}</title>
<style>
{{{css}}}
</style>
</head>
<body>
<svg class="image-library" aria-hidden="true"><defs>
{{#images}}<image id="{{id}}" width="{{width}}" height="{{height}}" preserveAspectRatio="none" href="{{src}}"/>
{{/images}}
</defs></svg>
{{#hasContents}}
<nav class="sidebar" aria-label="{{contentsTitle}}">
<p class="sidebar-title">{{contentsTitle}}</p>
<ul>
{{#contents}}
<li class="toc-level-{{level}}"><a href="#{{anchor}}">{{#hasNumber}}<span class="toc-number">{{number}}</span> {{/hasNumber}}{{text}}</a></li>
{{/contents}}
</ul>
</nav>
{{/hasContents}}
<main>
<header class="title-block">
<h1 class="title">{{title}}</h1>
{{#subtitle}}<p class="subtitle">{{subtitle}}</p>
{{/subtitle}}
{{#meta}}<p class="meta">{{meta}}</p>
{{/meta}}
</header>
{{#blocks}}
{{#heading}}
<h{{tag}} id="{{anchor}}">{{#hasNumber}}<span class="section-number">{{number}}</span> {{/hasNumber}}{{text}}</h{{tag}}>
{{/heading}}
{{#prose}}
<div class="prose">
{{{html}}}
</div>
{{/prose}}
{{#figure}}
{{> figure}}
{{/figure}}
{{#grid}}
{{> grid}}
{{/grid}}
{{#chart}}
<figure class="figure chart" id="{{anchor}}">
<img src="{{src}}" alt="{{caption}}" style="width: {{widthPoints}}pt">
<figcaption><span class="figure-label">{{label}}</span> {{caption}}</figcaption>
</figure>
{{/chart}}
{{#table}}
{{> table}}
{{/table}}
{{/blocks}}
</main>
<script>{{{script}}}</script>
</body>
</html>

"""#,
    "figure.mustache": #"""
<figure class="figure {{kind}}" id="{{anchor}}" style="--overlay-opacity: {{alpha}}">
{{#hasVariants}}
<div class="variant-switcher" role="group">
{{#variants}}
<button type="button" data-variant="{{index}}"{{#selected}} class="active"{{/selected}}>{{label}}</button>
{{/variants}}
</div>
{{/hasVariants}}
{{#variants}}
<div class="panels" data-variant="{{index}}"{{^selected}} hidden{{/selected}}>
{{#panels}}
<div class="panel">
<div class="stack">
<svg class="base{{#pixelated}} pixelated{{/pixelated}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{alt}}"><use href="#{{image}}"/></svg>
{{#hasOverlay}}<svg class="overlay{{#pixelated}} pixelated{{/pixelated}}" viewBox="0 0 {{width}} {{height}}" aria-hidden="true"><use href="#{{overlayImage}}"/></svg>{{/hasOverlay}}
</div>
{{#hasLabel}}<div class="panel-label">{{label}}</div>{{/hasLabel}}
</div>
{{/panels}}
</div>
{{/variants}}
{{#hasSlider}}
<label class="opacity-control">{{opacityLabel}} <input type="range" min="0" max="100" value="{{alphaPercent}}"></label>
{{/hasSlider}}
{{#colorbar}}
<div class="colorbar">
<span class="colorbar-title">{{title}}</span>
<span class="colorbar-min">{{min}}</span><span class="colorbar-bar" style="background: {{gradient}}"></span><span class="colorbar-max">{{max}}</span>
</div>
{{/colorbar}}
<figcaption><span class="figure-label">{{label}}</span> {{caption}}</figcaption>
</figure>

"""#,
    "grid.mustache": #"""
<figure class="figure grid {{kind}}" id="{{anchor}}" style="--overlay-opacity: {{alpha}}">
<div class="tiles" style="grid-template-columns: repeat({{columns}}, minmax(0, 1fr))">
{{#hasHeaders}}
{{#headers}}<div class="tile-header" style="grid-column: span {{span}}">{{title}}</div>
{{/headers}}
{{/hasHeaders}}
{{#tiles}}
<div class="tile">
{{#panels}}<div class="stack"><svg class="base{{#pixelated}} pixelated{{/pixelated}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{alt}}"><use href="#{{image}}"/></svg>{{#hasOverlay}}<svg class="overlay{{#pixelated}} pixelated{{/pixelated}}" viewBox="0 0 {{width}} {{height}}" aria-hidden="true"><use href="#{{overlayImage}}"/></svg>{{/hasOverlay}}</div>{{/panels}}
{{#hasLabel}}<div class="tile-label">{{label}}</div>{{/hasLabel}}
</div>
{{/tiles}}
</div>
{{#hasSlider}}
<label class="opacity-control">{{opacityLabel}} <input type="range" min="0" max="100" value="{{alphaPercent}}"></label>
{{/hasSlider}}
{{#hasColorbars}}
<div class="colorbars">
{{#colorbars}}
<div class="colorbar">
<span class="colorbar-title">{{title}}</span>
<span class="colorbar-min">{{min}}</span><span class="colorbar-bar" style="background: {{gradient}}"></span><span class="colorbar-max">{{max}}</span>
</div>
{{/colorbars}}
</div>
{{/hasColorbars}}
<figcaption><span class="figure-label">{{label}}</span> {{caption}}</figcaption>
</figure>

"""#,
    "table.mustache": #"""
<div class="table-wrap">
<table>
{{#hasCaption}}<caption><span class="table-label">{{label}}</span> {{caption}}</caption>
{{/hasCaption}}
{{#hasHeader}}<thead><tr>{{#header}}<th style="text-align: {{align}}">{{text}}</th>{{/header}}</tr></thead>
{{/hasHeader}}
<tbody>
{{#rows}}
<tr>{{#cells}}<td style="text-align: {{align}}">{{text}}</td>{{/cells}}</tr>
{{/rows}}
</tbody>
</table>
</div>

"""#,
    "report.css": #"""
/* ConvLens report. Fonts are the reader's installed ones (nothing is downloaded). */
:root {
  --text: #1f2328;
  --muted: #5f666d;
  --faint: #d0d7de;
  --accent: #1d5fa8;
  --code-bg: #f4f6f8;
  --sidebar-width: 15rem;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body {
  margin: 0;
  color: var(--text);
  background: #fff;
  font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", system-ui, sans-serif;
  font-size: 16px;
  line-height: 1.7;
  word-break: keep-all;
  overflow-wrap: anywhere;
}
main { max-width: 50rem; margin: 0 auto; padding: 3rem 2rem 6rem; }
.sidebar {
  position: fixed; top: 0; left: 0; bottom: 0; width: var(--sidebar-width);
  overflow-y: auto; padding: 2.5rem 1rem 2rem 1.5rem; border-right: 1px solid var(--faint);
  font-size: 0.85rem; line-height: 1.45; background: #fafbfc;
}
.sidebar-title { font-weight: 700; margin: 0 0 0.75rem; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar li { margin: 0.3rem 0; }
.sidebar .toc-level-2 { padding-left: 1rem; }
.sidebar a { color: var(--muted); text-decoration: none; display: block; }
.sidebar a:hover, .sidebar a.current { color: var(--accent); }
.toc-number { display: inline-block; min-width: 1.8em; }
@media (min-width: 70rem) { body { padding-left: var(--sidebar-width); } }
@media (max-width: 70rem) { .sidebar { position: static; width: auto; border-right: 0; border-bottom: 1px solid var(--faint); } }
.title-block { border-bottom: 1px solid var(--faint); padding-bottom: 1.25rem; margin-bottom: 2rem; }
.title { font-size: 2.1rem; line-height: 1.25; margin: 0 0 0.5rem; }
.subtitle { font-size: 1.25rem; color: var(--muted); margin: 0 0 0.5rem; }
.meta { color: var(--muted); margin: 0; font-size: 0.95rem; }
h2, h3, h4, h5, h6 { line-height: 1.35; margin: 2.2rem 0 0.8rem; scroll-margin-top: 1rem; }
h2 { font-size: 1.55rem; border-bottom: 1px solid var(--faint); padding-bottom: 0.3rem; }
h3 { font-size: 1.25rem; }
h4 { font-size: 1.05rem; }
.section-number { color: var(--accent); margin-right: 0.35em; }
.prose p { margin: 0 0 1rem; }
a { color: var(--accent); }
code { font-family: "Noto Sans Mono CJK KR", "DejaVu Sans Mono", ui-monospace, monospace; font-size: 0.88em;
  background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 3px; }
pre { background: var(--code-bg); padding: 0.9rem 1rem; border-radius: 4px; overflow-x: auto; line-height: 1.45; }
pre code { background: none; padding: 0; }
blockquote { margin: 1rem 0; padding: 0.1rem 1rem; border-left: 3px solid var(--faint); color: var(--muted); }
hr { border: 0; border-top: 1px solid var(--faint); margin: 2rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; margin: 0.5rem 0 1.5rem;
  border-top: 1.5px solid var(--text); border-bottom: 1.5px solid var(--text); }
th { border-bottom: 1px solid var(--muted); font-weight: 700; }
th, td { padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
tbody tr + tr td { border-top: 1px solid #eceef0; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 0.4rem; }
.table-wrap { overflow-x: auto; }
.figure { margin: 2rem 0; text-align: center; }
.figure figcaption { color: var(--muted); font-size: 0.85rem; line-height: 1.5; margin-top: 0.6rem; text-align: left; }
.figure-label, .table-label { font-weight: 700; }
[hidden] { display: none !important; }
.panels { display: flex; gap: 0.6rem; justify-content: center; align-items: flex-start; }
.panel { flex: 1 1 0; max-width: 20rem; }
.stack { position: relative; line-height: 0; }
.image-library { position: absolute; width: 0; height: 0; overflow: hidden; }
.stack svg { width: 100%; height: auto; display: block; }
.stack svg.overlay { position: absolute; inset: 0; height: 100%; opacity: var(--overlay-opacity, 0.5); }
svg.pixelated { image-rendering: pixelated; }
.panel-label, .tile-label { color: var(--muted); font-size: 0.8rem; line-height: 1.4; margin-top: 0.3rem; }
.tiles { display: grid; gap: 0.4rem; }
.tile-label { font-size: 0.7rem; }
.tile-header { font-size: 0.75rem; font-weight: 700; color: var(--muted); line-height: 1.3; align-self: end;
  border-bottom: 1px solid var(--faint); padding-bottom: 0.15rem; }
.colorbars { display: flex; flex-wrap: wrap; justify-content: center; gap: 0 2rem; }
.tile .stack svg.base { outline: 1px solid var(--faint); }
.chart img { max-width: 100%; height: auto; }
.variant-switcher { display: flex; flex-wrap: wrap; gap: 0.35rem; justify-content: center; margin-bottom: 0.6rem; }
.variant-switcher button { font: inherit; font-size: 0.85rem; padding: 0.2rem 0.7rem; border: 1px solid var(--faint);
  border-radius: 999px; background: #fff; color: var(--text); cursor: pointer; }
.variant-switcher button.active { background: var(--accent); border-color: var(--accent); color: #fff; }
.opacity-control { display: inline-flex; align-items: center; gap: 0.5rem; font-size: 0.8rem; color: var(--muted); margin-top: 0.5rem; }
.colorbar { display: flex; align-items: center; justify-content: center; gap: 0.4rem; flex-wrap: wrap; font-size: 0.75rem;
  color: var(--muted); margin-top: 0.5rem; }
.colorbar-title { width: 100%; }
.colorbars .colorbar-bar { width: 9rem; }
.colorbar-bar { display: inline-block; width: 12rem; height: 0.55rem; border: 1px solid var(--faint); }
@media print {
  .sidebar, .opacity-control, .variant-switcher { display: none; }
  body { padding-left: 0; }
  .figure { break-inside: avoid; }
}

"""#,
    "report.js": #"""
// ConvLens report: offline interactivity only (no network). Overlay opacity sliders, class
// switchers and the sidebar's current-section highlight.
(function () {
  "use strict";
  document.querySelectorAll("figure").forEach(function (figure) {
    var slider = figure.querySelector(".opacity-control input");
    if (slider) {
      slider.addEventListener("input", function () {
        figure.style.setProperty("--overlay-opacity", String(slider.value / 100));
      });
    }
    var buttons = figure.querySelectorAll(".variant-switcher button");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var chosen = button.getAttribute("data-variant");
        buttons.forEach(function (other) { other.classList.toggle("active", other === button); });
        figure.querySelectorAll(".panels").forEach(function (panels) {
          panels.hidden = panels.getAttribute("data-variant") !== chosen;
        });
      });
    });
  });
  var links = Array.prototype.slice.call(document.querySelectorAll(".sidebar a"));
  var targets = links.map(function (link) {
    return document.getElementById(link.getAttribute("href").slice(1));
  });
  function highlight() {
    var current = 0;
    targets.forEach(function (target, index) {
      if (target && target.getBoundingClientRect().top < 120) { current = index; }
    });
    links.forEach(function (link, index) { link.classList.toggle("current", index === current); });
  }
  if (links.length) {
    window.addEventListener("scroll", highlight, { passive: true });
    highlight();
  }
})();

"""#,
  ]
}
