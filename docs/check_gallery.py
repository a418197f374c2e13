"""Check a built documentation: every gallery example's page shows its figures.

Usage: python docs/check_gallery.py [docs/_build/html]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(html: Path) -> int:
    problems = []
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    for example in examples:
        page = html / "auto_examples" / f"{example.stem}.html"
        if not page.exists():
            problems.append(f"{page}: missing")
            continue
        images = re.findall(
            rf'src="(\.\./_images/sphx_glr_{example.stem}_\d+\.png)"', page.read_text()
        )
        if not images:
            problems.append(f"{page}: no figure of {example.name}")
        for src in images:
            if not (page.parent / src).resolve().exists():
                problems.append(f"{page}: image {src} not in the build")
        print(f"{example.name}: {len(images)} figure(s)")
    for problem in problems:
        print("ERROR", problem)
    return 1 if problems or not examples else 0


if __name__ == "__main__":
    sys.exit(
        main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs/_build/html"))
    )
