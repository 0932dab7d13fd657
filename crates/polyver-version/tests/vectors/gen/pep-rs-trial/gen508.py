"""Requirement strings polyver's PEP 508 parser sees (crates/polyver-extract fixtures and unit
tests), with packaging 26.3's Requirement as the reference."""
import json, re, sys, tomllib, configparser, pathlib
from packaging.requirements import Requirement, InvalidRequirement
from packaging.utils import canonicalize_name
root = pathlib.Path(sys.argv[1])
fx = root / "crates/polyver-extract/tests/fixtures"
strings = []
def add(s, src):
    s = s.strip()
    if s: strings.append((s, src))
# requirements-style files
for f in list((fx/"requirements").rglob("*.txt")) + list((fx/"setup-cfg").rglob("*.txt")):
    text = re.sub(r"\\\n", " ", f.read_text())
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", line).strip()
        line = re.sub(r"\s--hash[= ]\S+", "", line)
        if not line or line.startswith("-"): continue
        add(line, str(f.relative_to(root)))
# pyproject dependencies
for f in fx.rglob("pyproject.toml"):
    d = tomllib.loads(f.read_text())
    p = d.get("project", {})
    for s in p.get("dependencies", []): add(s, str(f.relative_to(root)))
    for v in p.get("optional-dependencies", {}).values():
        for s in v: add(s, str(f.relative_to(root)))
    for v in d.get("dependency-groups", {}).values():
        for s in v:
            if isinstance(s, str): add(s, str(f.relative_to(root)))
    for s in d.get("build-system", {}).get("requires", []): add(s, str(f.relative_to(root)))
# setup.cfg install_requires / extras_require
for f in fx.rglob("setup.cfg"):
    c = configparser.ConfigParser(); c.read_string(f.read_text())
    if c.has_option("options", "install_requires"):
        for s in c.get("options", "install_requires").splitlines():
            if not s.strip().startswith("#"): add(s, str(f.relative_to(root)))
    if c.has_section("options.extras_require"):
        for _, v in c.items("options.extras_require"):
            for s in v.splitlines(): add(s, str(f.relative_to(root)))
# lock files: requires-dist in uv.lock, pdm.lock requires
for f in fx.rglob("uv.lock"):
    d = tomllib.loads(f.read_text())
    for p in d.get("package", []):
        for r in p.get("metadata", {}).get("requires-dist", []):
            s = r["name"] + ("[" + ",".join(r["extras"]) + "]" if r.get("extras") else "") + r.get("specifier", "")
            if r.get("marker"): s += " ; " + r["marker"]
            add(s, str(f.relative_to(root)))
for f in fx.rglob("pdm.lock"):
    d = tomllib.loads(f.read_text())
    for p in d.get("package", []):
        for s in p.get("dependencies", []): add(s, str(f.relative_to(root)))
# unit tests of pep508.rs
src = (root / "crates/polyver-extract/src/pep508.rs").read_text()
for m in re.finditer(r'parse\("((?:[^"\\]|\\.)*)"\)', src):
    add(json.loads('"' + m.group(1) + '"'), "pep508.rs tests")
for bad in ["", ">=1.0", "foo >= ", "foo bar", "foo[x", "foo (>=1", "-foo", "foo;", "foo @"]:
    strings.append((bad, "pep508.rs rejects_garbage"))
seen = set()
for s, src in strings:
    if s in seen: continue
    seen.add(s)
    try:
        r = Requirement(s)
        ref = {"name": canonicalize_name(r.name), "extras": sorted(canonicalize_name(e) for e in r.extras),
               "specifier": sorted(str(x) for x in r.specifier), "url": r.url, "marker": str(r.marker) if r.marker else None}
    except InvalidRequirement as e:
        ref = "error"
    print(json.dumps({"input": s, "source": src, "expect": ref}))
