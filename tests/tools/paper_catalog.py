"""Write book/_ext/numbered_results.json: every numbered result of the four papers.

Usage: python tests/tools/paper_catalog.py ../shared/papers

The catalog is extracted from the paper texts by a regular expression over result headings
("Theorem 3.8.", "Lemma A.5", "Algorithm 1", figure captions), so it is not a hand-kept list.
The verification ledger (book/ledger.md) has one row per entry.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PAPERS = {
    "budzinskiy": "budzinskiy-entrywise-lowrank-function-generated.txt",
    "vodrahalli": "vodrahalli-nonlinear-init-lowrank-nets.txt",
    "zhangsaab": "zhang-saab-lowrank-compression-guarantees.txt",
    "dengsong": "deng-song-softmax-vs-linear-attention.txt",
}
KINDS = ("Theorem", "Lemma", "Corollary", "Proposition", "Definition", "Example", "Remark",
         "Assumption", "Claim", "Fact", "Problem", "Algorithm", "Figure", "Table")
HEADING = re.compile(r"^\W{0,4}(" + "|".join(KINDS) + r")\s+([A-Z]?\.?\d+(?:\.\d+)*)", re.M)


def catalog(folder: Path) -> dict[str, list[str]]:
    out = {}
    for key, name in PAPERS.items():
        text = (folder / name).read_text()
        found = {f"{kind.lower()}-{num.rstrip('.')}" for kind, num in HEADING.findall(text)}
        out[key] = sorted(found, key=lambda s: (s.split("-")[0], [
            (0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.]", s.split("-", 1)[1])]))
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "../shared/papers")
    target = Path(__file__).resolve().parents[2] / "book" / "_ext" / "numbered_results.json"
    target.write_text(json.dumps(catalog(folder), indent=1) + "\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
