#!/usr/bin/env python3
"""Rewrites Sources/Rendering/DefaultTemplates.swift, the built-in copy of Templates/html that lets
HTMLRenderer() work without the repository, from the files HTMLRenderer.templateFileNames lists (read
from Sources/Rendering/HTMLRenderer.swift, so the list is written once). Run after editing a template;
RenderingTests/DefaultTemplatesTests fails while the copy is stale.
    python3 Scripts/update_default_templates.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RENDERER = ROOT / "Sources" / "Rendering" / "HTMLRenderer.swift"
TARGET = ROOT / "Sources" / "Rendering" / "DefaultTemplates.swift"
TEMPLATES = ROOT / "Templates" / "html"


def template_file_names():
    match = re.search(r"static let templateFileNames = \[(.*?)\]", RENDERER.read_text(), re.S)
    if not match:
        sys.exit(f"update_default_templates: no `templateFileNames = [...]` in {RENDERER}")
    return re.findall(r'"([^"]+)"', match.group(1))


def main():
    source = ("// Generated from Templates/html by Scripts/update_default_templates.py; do not edit.\n"
              "// The built-in copy lets HTMLRenderer() work without the repository's Templates directory.\n\n"
              "enum DefaultTemplates {\n  static let files: [String: String] = [\n")
    for name in template_file_names():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        if '"""#' in text:
            sys.exit(f"update_default_templates: {name} contains the raw-string delimiter \"\"\"#")
        source += f'    "{name}": #"""\n{text}\n"""#,\n'
    source += "  ]\n}\n"
    temporary = TARGET.with_suffix(".swift.tmp")
    temporary.write_text(source, encoding="utf-8")
    temporary.replace(TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
