#!/usr/bin/env python3
"""Checks that every test a docs/entrances/*.md table names exists.

The entrance tables (what each importer, route or log reader accepts and
refuses) name the GoogleTest that checks each row as `Suite.Name`. A renamed or
deleted test would leave a row that nothing checks; this fails instead, naming
the file and line. Exits 1 on a missing test, 0 otherwise.
Usage: scripts/check_docs.py [REPO_ROOT]
"""
import pathlib
import re
import sys

TEST_NAME = re.compile(r"`([A-Z][A-Za-z0-9]*Test)\.([A-Za-z0-9_]+)`")
DEFINITION = re.compile(r"\bTEST(?:_F|_P)?\(\s*([A-Za-z0-9_]+)\s*,\s*([A-Za-z0-9_]+)\s*\)")


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    defined = set()
    for path in (root / "tests").rglob("*.cc"):
        defined.update(DEFINITION.findall(path.read_text(errors="replace")))
    errors, named = [], 0
    for doc in sorted((root / "docs").rglob("*.md")):
        for number, line in enumerate(doc.read_text().splitlines(), 1):
            for suite, name in TEST_NAME.findall(line):
                named += 1
                if (suite, name) not in defined:
                    errors.append(f"{doc.relative_to(root)}:{number}: names {suite}.{name}, which no test defines")
    for e in errors:
        print(e)
    if errors:
        return 1
    print(f"check_docs: the {named} tests the docs name all exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
