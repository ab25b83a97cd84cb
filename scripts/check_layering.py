#!/usr/bin/env python3
"""Checks the dependency rule of docs/ARCHITECTURE.md over #include lines.

Each folder of src/marquee is one library. A file may include headers of its
own folder and of the folders listed for it below, never of any other one
(no cycles: the table is a DAG, checked too). Private headers may be included
only from their own folder and that folder's tests. Third-party headers that
must not leak into public interfaces are allowed only in the headers listed.

Exits 1 naming every file:line that breaks a rule; 0 when the tree is clean.
Usage: scripts/check_layering.py [REPO_ROOT]
"""
import pathlib
import re
import sys

# folder -> folders it may include (besides itself). Keep in step with the
# target_link_libraries in CMakeLists.txt and the table in docs/ARCHITECTURE.md.
ALLOWED = {
    "util": set(),
    "data": {"util"},
    "io": {"data", "util"},
    "synthetic": {"data", "util"},
    "store": {"data", "util"},
    "models": {"data", "util"},
    "page": {"models", "data", "util"},
    "eval": {"page", "models", "data", "util"},
    # The simulator runs policies against the synthetic service's ground truth.
    # Policies and rewards need no recommender; add "models" when a bandit does.
    "bandit": {"synthetic", "data", "util"},
    "consent": {"data", "util"},
    "experiment": {"store", "data", "util"},
    "forecast": {"models", "data", "util"},
    "ranking": {"models", "data", "util"},
    "ledger": {"consent", "store", "data", "util"},
    "serve": {"ranking", "experiment", "ledger", "consent", "bandit", "page", "models", "store", "data", "util"},
    "serve/http": {"serve", "ranking", "experiment", "ledger", "consent", "bandit", "page", "models", "store", "data", "util"},
}

# Headers only their own library (and its tests) may include.
PRIVATE_HEADERS = {
    "io/import_common.h",
    "synthetic/synthetic_internal.h",
    "store/sqlite_handle.h",
    "page/row_common.h",
}

# Public headers that may include nlohmann/json.hpp: the HTTP layer, the
# report writers and the codecs' shared field readers. Everywhere else JSON stays inside .cc files.
JSON_HEADERS_ALLOWED = re.compile(r"^(serve/http/.*|eval/evaluation_report\.h"
                                  # The field readers the JSON codecs share (their subject is JSON).
                                  r"|util/json_fields\.h)$")

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def folder_of(rel: str) -> str:
    """'serve/http/server.h' -> 'serve/http'; 'models/ials.h' -> 'models'."""
    parts = rel.split("/")
    if len(parts) >= 3 and "/".join(parts[:2]) in ALLOWED:
        return "/".join(parts[:2])
    return parts[0]


def check_architecture_doc(root: pathlib.Path) -> list:
    """docs/ARCHITECTURE.md's library table must list exactly these folders, each with these dependencies."""
    doc = root / "docs" / "ARCHITECTURE.md"
    if not doc.exists():
        return []  # the self-test's trees have no docs
    row = re.compile(r"^\| `([a-z/]+)/` \| .*? \| ([^|]*) \|")
    found = {}
    for line in doc.read_text().splitlines():
        m = row.match(line)
        if m and m.group(1) not in ("tools/marquee", "python"):  # not libraries: they use all of them
            deps = m.group(2).strip()
            found[m.group(1)] = set() if deps in ("—", "-", "") else {d.strip() for d in deps.split(",")}
    errors = []
    for folder in sorted(set(ALLOWED) | set(found)):
        if folder not in found:
            errors.append(f"docs/ARCHITECTURE.md: the library table has no row for {folder}/")
        elif folder not in ALLOWED:
            errors.append(f"docs/ARCHITECTURE.md: the library table lists {folder}/, which the layering table does not")
        elif found[folder] != ALLOWED[folder]:
            errors.append(f"docs/ARCHITECTURE.md: {folder}/ may use {', '.join(sorted(ALLOWED[folder])) or 'nothing'} "
                          f"here but {', '.join(sorted(found[folder])) or 'nothing'} in the document")
    return errors


def check_acyclic() -> list:
    errors, state = [], {}

    def visit(node, path):
        if state.get(node) == 1:
            errors.append("cycle in the layering table: " + " -> ".join(path + [node]))
            return
        if state.get(node) == 2:
            return
        state[node] = 1
        for dep in sorted(ALLOWED[node]):
            visit(dep, path + [node])
        state[node] = 2

    for node in sorted(ALLOWED):
        visit(node, [])
    return errors


def self_test() -> int:
    """The check must fail on a tree that breaks each rule, and pass on a clean one."""
    import subprocess
    import tempfile
    cases = {
        "upward include": ("src/marquee/data/a.h", '#include "marquee/models/b.h"\n'),
        "private header": ("src/marquee/models/a.h", '#include "marquee/io/import_common.h"\n'),
        "json in a public header": ("src/marquee/models/a.h", "#include <nlohmann/json.hpp>\n"),
        "missing header": ("src/marquee/models/a.h", '#include "marquee/models/nope.h"\n'),
        "architecture doc out of date": ("docs/ARCHITECTURE.md", "| `util/` | kernels | — | fmt |\n"),
    }
    base = {"src/marquee/models/b.h": "", "src/marquee/io/import_common.h": "",
            "src/marquee/data/ok.h": '#include "marquee/util/c.h"\n', "src/marquee/util/c.h": ""}
    failures = 0
    for name, extra in list(cases.items()) + [("clean tree", None)]:
        with tempfile.TemporaryDirectory() as d:
            files = dict(base)
            if extra:
                files[extra[0]] = extra[1]
            for rel, text in files.items():
                p = pathlib.Path(d) / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text)
            rc = subprocess.run([sys.executable, __file__, d], capture_output=True).returncode
            want = 0 if extra is None else 1
            if rc != want:
                print(f"self-test {name}: exit {rc}, expected {want}")
                failures += 1
    print("check_layering self-test:", "failed" if failures else "passed")
    return 1 if failures else 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    src = root / "src" / "marquee"
    errors = check_acyclic() + check_architecture_doc(root)
    for dep_set in ALLOWED.values():
        for dep in dep_set:
            if dep not in ALLOWED:
                errors.append(f"layering table names unknown folder {dep}")

    files = sorted(p for p in root.glob("**/*") if p.suffix in (".h", ".cc") and
                   p.relative_to(root).parts[0] in ("src", "tests", "tools", "bench", "fuzz"))
    for path in files:
        rel_repo = path.relative_to(root).as_posix()
        in_src = path.is_relative_to(src)
        rel = path.relative_to(src).as_posix() if in_src else None
        own = folder_of(rel) if in_src else None
        if in_src and own not in ALLOWED:
            errors.append(f"{rel_repo}: folder {own} is not in the layering table")
            continue
        test_folder = None
        if rel_repo.startswith("tests/"):
            test_folder = folder_of(rel_repo[len("tests/"):])
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            where = f"{rel_repo}:{number}"
            if target.startswith("nlohmann/") and in_src and path.suffix == ".h" and \
                    not JSON_HEADERS_ALLOWED.match(rel):
                errors.append(f"{where}: public header includes {target}; keep JSON in the .cc or the HTTP layer")
            if not target.startswith("marquee/"):
                continue
            inc = target[len("marquee/"):]
            if not (src / inc).exists():
                errors.append(f"{where}: includes {target}, which does not exist")
                continue
            dep = folder_of(inc)
            if inc in PRIVATE_HEADERS and dep != own and dep != test_folder:
                errors.append(f"{where}: includes {target}, private to {dep}/")
            if in_src and dep != own and dep not in ALLOWED[own]:
                allowed = ", ".join(sorted(ALLOWED[own])) or "nothing"
                errors.append(f"{where}: {own}/ includes {target}; {own}/ may use only {allowed}")
    for e in errors:
        print(e)
    if errors:
        print(f"check_layering: {len(errors)} violation(s)")
        return 1
    print(f"check_layering: {len(files)} files follow the dependency rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
