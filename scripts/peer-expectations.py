#!/usr/bin/env python3
"""Import osv-scalibr's extractor test data and its expected packages, for polyver's peer suite.

osv-scalibr (Apache-2.0) tests each extractor on files under `testdata/`, and its Go tests
list, per file, the packages the extractor must find. polyver's `peer_suite` test
(`crates/polyver-extract/tests/peer_suite.rs`) runs polyver on the same files and compares
(name, version) sets. This script copies the test data of every scalibr extractor whose
format polyver reads and writes `expectations.json` beside it, read from the Go tests.

The Go tests are table tests: each entry is a composite literal with the fixture path
(`Path: "testdata/x"`, or `path:`) and the wanted packages (`WantPackages:
[]*extractor.Package{{Name: "a", Version: "1"}, ...}`, or `wantPackages:`; none when absent),
and maybe an expected error (`WantErr:`). They are read with a small Go tokenizer and brace matcher, not by regular
expressions over lines. An entry whose packages are not literals (a variable, a helper call)
cannot be read statically: it is listed on stderr and must be transcribed into MANUAL below,
where it is marked `"transcribed": true` in the output.

Usage: scripts/peer-expectations.py [--mirror GIT_DIR] [--commit REV]
Stdlib only; needs `git`. Writes under crates/polyver-extract/tests/peer/osv-scalibr/.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/polyver-extract/tests/peer/osv-scalibr")
LANG = "extractor/filesystem/language"

# The scalibr extractors whose formats polyver reads (paths under extractor/filesystem/language).
# Left out: python/setup (setup.py, which polyver does not read: it never runs or parses
# Python code) and the formats other branches are adding.
EXTRACTORS = [
    "python/requirements",
    "python/pipfilelock",
    "python/poetrylock",
    "python/pdmlock",
    "python/uvlock",
    "python/pylock",
    "python/pyprojecttoml",
    "javascript/packagejson",
    "javascript/packagelockjson",
    "javascript/yarnlock",
    "javascript/pnpmlock",
    "javascript/bunlock",
    "rust/cargolock",
    "rust/cargotoml",
    "golang/gomod",
    "java/pomxml",
    "java/gradlelockfile",
    "java/gradleversioncatalog",
    "ruby/gemfilelock",
    "php/composerlock",
    "dotnet/packageslockjson",
    "dotnet/packagesconfig",
    "dotnet/csproj",
    "dotnet/nugetcpm",
    "dotnet/paketlock",
    "dotnet/depsjson",
    "julia/manifesttoml",
    "haskell/stacklock",
    "dart/pubspec",
    "swift/packageresolved",
    "swift/podfilelock",
    "cpp/conanlock",
    "r/renvlock",
]

# Helper functions some tests build packages with, read as calls: extractor -> (function,
# index of the name argument, index of the version argument). uvlock_test.go's
# `pkg(t, name, version, path, line)` returns an extractor.Package with that name and version.
HELPERS = {"python/uvlock": ("pkg", 1, 2)}

# Entries whose expected packages the Go test builds with code the reader cannot follow:
# (extractor, fixture) -> packages, transcribed by hand. Empty: every entry reads statically.
MANUAL = {}


def git(mirror, *args):
    return subprocess.run(
        ["git", "--git-dir", mirror, *args], check=True, capture_output=True
    ).stdout


# --- a Go tokenizer: enough of the lexical grammar for composite literals -------------------

def tokenize(src):
    """Tokens as (kind, text): kind is 'str', 'ident', 'num' or 'punct'. Comments dropped."""
    toks, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c in " \t\r\n":
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == '"':
            j, buf = i + 1, []
            while j < n and src[j] != '"':
                if src[j] == "\\":
                    buf.append(src[j : j + 2])
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            toks.append(("str", json.loads('"' + "".join(buf) + '"')))
            i = j + 1
        elif c == "`":
            j = src.find("`", i + 1)
            toks.append(("str", src[i + 1 : j]))
            i = j + 1
        elif c == "'":
            j = i + 1
            while src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            toks.append(("rune", src[i : j + 1]))
            i = j + 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            toks.append(("ident", src[i:j]))
            i = j
        elif c.isdigit():
            j = i
            while j < n and (src[j].isalnum() or src[j] in "._"):
                j += 1
            toks.append(("num", src[i:j]))
            i = j
        else:
            toks.append(("punct", c))
            i += 1
    return toks


class Group:
    """A `{...}` in the source: its elements split at commas outside parentheses."""

    def __init__(self):
        self.items = []  # each a list of tokens and Groups

    def elements(self):
        out, cur, depth = [], [], 0
        for t in self.items:
            if t in (("punct", "("), ("punct", "[")):
                depth += 1
            elif t in (("punct", ")"), ("punct", "]")):
                depth -= 1
            if t == ("punct", ",") and depth == 0:
                out.append(cur)
                cur = []
            else:
                cur.append(t)
        if cur:
            out.append(cur)
        return out

    def fields(self):
        """`key: value` elements as {key: value tokens}."""
        out = {}
        for el in self.elements():
            if (
                len(el) >= 2
                and isinstance(el[0], tuple)
                and el[0][0] == "ident"
                and el[1] == ("punct", ":")
            ):
                out[el[0][1]] = el[2:]
        return out


def groups(toks):
    """The token list with every balanced `{...}` folded into a Group (parens and brackets
    stay tokens: composite literals only nest braces)."""
    root, stack = Group(), []
    cur = root
    for t in toks:
        if t == ("punct", "{"):
            g = Group()
            cur.items.append(g)
            stack.append(cur)
            cur = g
        elif t == ("punct", "}"):
            cur = stack.pop()
        else:
            cur.items.append(t)
    return root


def walk(g):
    yield g
    for t in g.items:
        if isinstance(t, Group):
            yield from walk(t)


def testdata_path(value):
    """The fixture path of a `Path:` value: a string literal, or
    `filepath.FromSlash("...")`/`filepath.Join("testdata", "x")`."""
    strs = [t[1] for t in value if isinstance(t, tuple) and t[0] == "str"]
    others = [
        t[1]
        for t in value
        if isinstance(t, tuple) and t[0] == "ident" and t[1] not in ("filepath", "FromSlash", "Join")
    ]
    if not strs or others:
        return None
    path = "/".join(strs) if len(strs) > 1 else strs[0]
    return path if path.startswith("testdata/") else None


def entry_path(fields):
    for key in ("Path", "path"):
        if key in fields:
            return testdata_path(fields[key])
    for value in fields.values():
        for t in value:
            if isinstance(t, Group):
                p = entry_path(t.fields())
                if p:
                    return p
    return None


WANT_KEYS = ("WantPackages", "wantPackages", "WantInventory", "wantInventory")
ERR_KEYS = ("WantErr", "wantErr")


def literal(value):
    """A field's value when it is one string literal, else None."""
    if len(value) == 1 and isinstance(value[0], tuple) and value[0][0] == "str":
        return value[0][1]
    return None


def helper_call(el, helper):
    """{name, version} of `pkg(t, "name", "version", ...)` when `helper` names that form."""
    if not helper or len(el) < 3 or el[0] != ("ident", helper[0]) or el[1] != ("punct", "("):
        return None
    args, cur, depth = [], [], 0
    for t in el[2:]:
        if t in (("punct", "("), ("punct", "[")):
            depth += 1
        elif t in (("punct", ")"), ("punct", "]")):
            if depth == 0:
                break
            depth -= 1
        if t == ("punct", ",") and depth == 0:
            args.append(cur)
            cur = []
        else:
            cur.append(t)
    args.append(cur)
    _, name_at, version_at = helper
    if max(name_at, version_at) >= len(args):
        return None
    name, version = literal(args[name_at]), literal(args[version_at])
    if name is None or version is None:
        return None
    return {"name": name, "version": version}


def packages(value, helper=None):
    """(name, version) pairs of a `[]*extractor.Package{...}` value; [] for `nil`; None when
    the value is not a literal (built by code)."""
    if value == [("ident", "nil")]:
        return []
    if not value or not isinstance(value[-1], Group):
        return None
    head = [t[1] for t in value[:-1] if isinstance(t, tuple)]
    if "Package" not in head:
        return None
    out = []
    for el in value[-1].elements():
        called = helper_call(el, helper)
        if called is not None:
            out.append(called)
            continue
        pkg = el[-1] if el and isinstance(el[-1], Group) else None
        if pkg is None:
            return None
        f = pkg.fields()
        name = literal(f.get("Name", []))
        version = literal(f["Version"]) if "Version" in f else ""
        if name is None or version is None:
            return None
        out.append({"name": name, "version": version})
    return out


def table_entries(g):
    """The entries of `g` when it is a test table that checks packages: its elements that
    are composite literals, when at least one of them has a packages field. An entry of such
    a table without one wants no packages (Go's zero value: `{path: "testdata/loop.txt",
    wantResultMetric: ...}`); a table without any (a metrics or FileRequired test) checks
    none and is not read."""
    entries = [el[-1] for el in g.elements() if len(el) == 1 and isinstance(el[0], Group)]
    if any(k in e.fields() for e in entries for k in WANT_KEYS):
        return entries
    return []


def read_test(src, extractor, test_file, unreadable):
    entries = []
    for table in walk(groups(tokenize(src))):
        for g in table_entries(table):
            entry = read_entry(g, extractor, test_file, unreadable)
            if entry is not None:
                entries.append(entry)
    return entries


def read_entry(g, extractor, test_file, unreadable):
    f = g.fields()
    path = entry_path(f)
    if path is None:
        return None
    want_key = next((k for k in WANT_KEYS if k in f), None)
    err_key = next((k for k in ERR_KEYS if k in f), None)
    name = literal(f.get("Name", f.get("name", []))) or ""
    entry = {"test": f"{os.path.basename(test_file)}: {name}", "fixture": path}
    if err_key is not None and f[err_key] != [("ident", "nil")]:
        entry["error"] = True
    pkgs = packages(f[want_key], HELPERS.get(extractor)) if want_key else []
    key = (extractor, path)
    if key in MANUAL:
        pkgs = MANUAL[key]
        entry["transcribed"] = True
    if pkgs is None:
        unreadable.append(f"{extractor}: {entry['test']} ({path})")
        return None
    entry["packages"] = sorted(pkgs, key=lambda p: (p["name"], p["version"]))
    return entry


def to_json(doc):
    """JSON with one entry per line group and one package per line, for reviewable diffs."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)
    head = ",\n".join(f"  {dump(k)}: {dump(v)}" for k, v in doc.items() if k != "entries")
    entries = []
    for e in doc["entries"]:
        fields = [f"{dump(k)}: {dump(v)}" for k, v in e.items() if k != "packages"]
        pkgs = ",\n".join(f"      [{dump(p['name'])}, {dump(p['version'])}]" for p in e["packages"])
        fields.append('"packages": [\n' + pkgs + "\n    ]" if pkgs else '"packages": []')
        entries.append("    {" + ",\n     ".join(fields) + "}")
    return "{\n" + head + ',\n  "entries": [\n' + ",\n".join(entries) + "\n  ]\n}\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirror", default="/work/.mirror/google+osv-scalibr/repo")
    ap.add_argument("--commit", default="HEAD")
    args = ap.parse_args()
    commit = git(args.mirror, "rev-parse", args.commit).decode().strip()
    unreadable = []
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "LICENSE"), "wb") as f:
        f.write(git(args.mirror, "show", f"{commit}:LICENSE"))
    with open(os.path.join(OUT, "NOTICE"), "w") as f:
        f.write(
            "The files under this directory's */*/testdata/ are osv-scalibr's test data,\n"
            "copied unchanged from https://github.com/google/osv-scalibr at commit\n"
            f"{commit},\nfrom extractor/filesystem/language/<ecosystem>/<extractor>/testdata/\n"
            "to <ecosystem>/<extractor>/testdata/.\n"
            "Copyright Google LLC, licensed under the Apache License 2.0 (LICENSE beside this\n"
            "file). The expectations.json files are derived from the Go tests beside that test\n"
            "data by scripts/peer-expectations.py.\n"
        )
    total = 0
    for extractor in EXTRACTORS:
        src_dir = f"{LANG}/{extractor}"
        dest = os.path.join(OUT, extractor)
        shutil.rmtree(dest, ignore_errors=True)
        files = git(args.mirror, "ls-tree", "-r", "--name-only", commit, f"{src_dir}/testdata").decode().split("\n")
        for path in filter(None, files):
            rel = path[len(src_dir) + 1 :]
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            with open(os.path.join(dest, rel), "wb") as f:
                f.write(git(args.mirror, "show", f"{commit}:{path}"))
        tests = [
            p
            for p in git(args.mirror, "ls-tree", "--name-only", commit, f"{src_dir}/").decode().split("\n")
            if p.endswith("_test.go")
        ]
        entries = []
        for test in sorted(tests):
            src = git(args.mirror, "show", f"{commit}:{test}").decode()
            entries.extend(read_test(src, extractor, test, unreadable))
        entries.sort(key=lambda e: (e["fixture"], e["test"]))
        missing = [e["fixture"] for e in entries if not os.path.isfile(os.path.join(dest, e["fixture"]))]
        if missing:
            sys.exit(f"{extractor}: fixtures named by the tests but not in testdata: {missing}")
        doc = {
            "peer": "osv-scalibr",
            "commit": commit,
            "extractor": f"{LANG}/{extractor}",
            "generated-by": "scripts/peer-expectations.py",
            "entries": entries,
        }
        with open(os.path.join(dest, "expectations.json"), "w") as f:
            f.write(to_json(doc))
        total += len(entries)
        print(f"{extractor}: {len(files) - 1} files, {len(entries)} expectations")
    print(f"{total} expectations at {commit}")
    for u in unreadable:
        print(f"not readable statically, transcribe into MANUAL: {u}", file=sys.stderr)
    return 1 if unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
