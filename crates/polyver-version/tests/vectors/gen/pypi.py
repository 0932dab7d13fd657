#!/usr/bin/env python3
"""Generate tests/vectors/pypi.jsonl from pip's `packaging` (the reference).

Reference: packaging 26.3 (`pip install packaging==26.3`). Every expected value below is
computed by packaging itself; nothing here comes from polyver's code.

Inputs: `pypi-versions.txt` beside this script (`<project>\t<version>` per line, the keys of
`https://pypi.org/pypi/<project>/json` `releases`, saved so regeneration works offline) plus
the hand-written edge cases below. Run `python3 pypi.py --fetch` to refresh the list.

Semantics of each vector kind (see tests/differential.rs):
  parse      Version(input) succeeds
  compare    cmp of Version(a), Version(b); "error" when either raises InvalidVersion
  satisfies  SpecifierSet(range).contains(Version(version)) with default arguments;
             "error" when Version or SpecifierSet raises, or contains raises
"""

import json
import random
import sys
import urllib.request
from pathlib import Path

import packaging
from packaging.specifiers import SpecifierSet
from packaging.version import Version

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "pypi.jsonl"
VERSIONS = HERE / "pypi-versions.txt"
PROJECTS = [
    "Django", "numpy", "requests", "setuptools", "pip", "cryptography", "pytz", "urllib3",
    "SQLAlchemy", "boto3", "tensorflow", "Twisted", "docutils", "PyYAML", "lxml", "Pillow",
    "six", "psycopg2", "distribute", "Jinja2", "pandas",
]
TRIM = {"boto3": 150}  # boto3 has thousands of near-identical releases

EDGE_VERSIONS = """
0 0.0 0.0.0 00 000.000 1 1.0 1.0.0 1.0.0.0 1.0.0.0.0.0 01.02.03 1.2.3 1.2.3.4.5.6.7.8.9
1.1 1.01 1.10 1.9 1.09 2 10 0.dev0 0.dev 0a0 0.post0 0+0 0.0.dev0
1.0a 1.0a0 1.0a1 1.0A1 1.0alpha1 1.0ALPHA 1.0.a1 1.0-a1 1.0_a1 1.0a.1 1.0a-1 1.0a_1 1.0-alpha-1
1.0b 1.0b1 1.0beta1 1.0beta 1.0.beta.2 1.0c1 1.0C 1.0rc1 1.0RC1 1.0rc 1.0pre1 1.0preview1
1.0-pre-2 1.0.preview 1.0a. 1.0a- 1.0a_ 1.0a.. 1.0a.- 1.0rc1.post1 1.0a1.dev1 1.0a1.post1.dev1
1.0.post1 1.0.post 1.0post1 1.0-post1 1.0_post1 1.0.post.1 1.0-1 1.0-0 1.0-01 1.0r1 1.0rev1 1.0.r
1.0.rev 1.0-r-1 1.0POST1 1.0.post. 1.0.post- 1.0-1dev 1.0-1.dev1 1.0.post1.dev1 1.0.post0.dev0
1.0.dev 1.0.dev0 1.0dev1 1.0-dev1 1.0_dev_1 1.0.DEV1 1.0.dev. 1.0.dev- 1.0a1dev 1.0a1.dev 1.0a1-dev2
1.0+local 1.0+LOCAL 1.0+ubuntu.1 1.0+ubuntu-1 1.0+ubuntu_1 1.0+1 1.0+01 1.0+1.2 1.0+1.a 1.0+a.1
1.0+abc.5 1.0+abc.10 1.0+5 1.0+10 1.0+a 1.0+b 1.0+a.a 1.0+0 1.0.0+local 1.0+local.0
1.0.post1+local 1.0a1+local 1.0.dev1+local 1.0+ubuntu1 1.0+UBUNTU.1 1.0+abc.def.123
v1 v1.0 V1.0 v1.0a1 vv1.0 1!1.0 0!1.0 1!1.0a1 1!0 01!1.0 2!0.1 1!1.0+local v1!1.0
1.0.post1.dev1+x 1!1.0.post1.dev1+x.1
 1.0  \t1.0\n \u00a01.0\u3000 \x1c1.0\x1f 1.0\u200b 1.0\u0085 \u20281.0
1.0.poſt1 1.0prevıew1 1.0prevİew1 1.0+\u212a 1.0ｂ1 １.0 1.0\u00e9
1..0 .1 1. 1.0. 1.0.* 1.* * x 1.0x abc 1.0+ 1.0+. 1.0+a..b 1.0+a. 1.0+-a 1.0++a 1.0+a+b 1.0.0-
1.0-- 1.0a1a2 1.0a1b2 1.0.post1.post2 1.0.dev1.dev2 1.0-dev 1.0dev-1 !1.0 1!! 1!1!1.0 -1.0 +1.0
1.0_ 1.0 a1 1,0 1.0; v 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1 2004b 2013.7 2013b 0.0.0.0.1
18446744073709551615 18446744073709551615.0 1.18446744073709551615 1.0.post18446744073709551615
1.0.dev18446744073709551615 1.0a18446744073709551615 1.0+18446744073709551615
18446744073709551615!1.0 18446744073709551614.18446744073709551615
1.0.0a1 1.0.0.a1 1.0.0.dev1 1.0.0.post1 1.0.0+local 1.0.1a1 1.0.1 1.1.dev0 1.1a1 1.1.0 2.0
2.0.dev0 2.0.dev1 2.0a1 2.0b1 2.0rc1 2.0.post1 2.0.post1.dev0 2.0+local 2.0.1 2.1
1.4 1.4.0 1.4.4 1.4.5 1.4.5a1 1.4.5.post1 1.4.6 1.4.99 1.5.dev0 1.5a1 1.5 1.5.0 2.0.0
1.2.dev0 1.2a1 1.2 1.2.0 1.2.0.0.1 1.2.9 1.2.99.dev0 1.3.dev0 1.3a1 1.3 1.1.9
""".split(" ")


def edge_versions():
    out = []
    for chunk in EDGE_VERSIONS:
        for tok in chunk.split("\n"):
            if tok:
                out.append(tok.encode().decode("unicode_escape") if "\\" in tok else tok)
    # whitespace-wrapped forms kept as written above after escape decoding
    out += [" 1.0 ", "\t1.0\n", "\u00a01.0\u3000", "\x1c1.0\x1f", "1.0\u200b", "", " ", "1.0 ",
            "  v1.0a1  ", "1.0\u0085", "\u20281.0", "1.0\u180e"]
    return out


def fuzz_versions(rng, n):
    alphabet = "0123456789" * 3 + ".-_+!" * 2 + "avbcdelioprstwxyzAV" + " "
    words = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "post", "rev", "r", "dev",
             "local", "ubuntu", "v", "1", "0", "12", ".", "-", "_", "+", "!"]
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        else:
            s = str(rng.randint(0, 3)) + "".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        out.append(s)
    return out


EDGE_RANGES = [
    "", " ", ",", " , ", ",,>=1.0,,", ">=1.0", ">= 1.0", " >=1.0 ", ">=1.0,<2.0", ">=1.0, <2.0",
    "<2.0,>=1.0", ">1.0", ">1.0a1", ">1.0.dev1", ">1.0.post1", ">1.0.post1.dev1", ">1.0a1.dev1",
    ">1.0a1.post1", ">0", ">1", ">1.0.0", ">1!1.0", "<1.0", "<1.0a1", "<1.0.dev0", "<1.0.post1",
    "<1.0.post1.dev1", "<1.0.0", "<0", "<0.dev0", "<0.dev1", "<0a0", "<0.0.0", "<1!0", "<=1.0",
    "<=1.0a1", "<=1.0.post1", "<=1.0.dev1", "<=0", ">=0", ">=0.dev0", ">=1.0a1", ">=1.0.dev0",
    ">=1.0.post1", "==1.0", "==1.0.0", "==1", "==1.0a1", "==1.0.post1", "==1.0.dev1",
    "==1.0+local", "==1.0+LOCAL", "==1.0.0+local", "==1.0+local.1", "==1.0+ubuntu-1",
    "==1.0+1", "==1.*", "==1.0.*", "==1.0.0.*", "==0.*", "==1!1.*", "==1.2.*", "==2.*", "== 1.*",
    "==1.0a1.*", "==1.0+local.*", "==1.*.*", "==*", "==1.0.post1.*", "!=1.0", "!=1.0.0",
    "!=1.0+local", "!=1.0.*", "!=1.*", "!=0.*", "!=1.0a1", "!=1.0.post1", "!=1.0.dev1",
    "!=0.dev0", "~=1.0", "~=1.4.5", "~=1.4.5a1", "~=1.4.5.post1", "~=1.4.5.dev1", "~=1.4.0",
    "~=1.0.0", "~=1!1.0", "~=1", "~=1.0+local", "~=1.0.*", "~=0.0", "~=1.0a1",
    "~=1.18446744073709551615", "==1.18446744073709551615.*", "===1.0", "===1.0.0", "===v1.0",
    "===1.0+LOCAL", "===1.0+local", "===foobar", "===", "=== 1.0", "===1.0a1", "===1.0A1",
    "===1.0;", "===1.0)", "===1.0 x", "===1.0,>=1.0", "===1.0,<1.0", "===1.0\u212a",
    "===1.0+\u212a", "===1.0+k", "1.0", "=1.0", "=>1.0", "=<1.0", "<>1.0", "<<1.0", ">>1.0",
    "<==1.0", "====1.0", ">=1.0+local", "<1.0+local", ">1.0+local", "<=1.0+local", ">=1.*",
    "<1.*", ">1.0.*", ">=v1.0", "==v1.0", "== v1.0", ">=V1.0", ">=1.0 a1", ">= 1.0a1",
    ">=1.0A1", ">=1.0-1", ">=1.0.POST1", ">=1.0 ,<2", ">=1.0;<2", ">=1.0 <2", ">=", "==",
    "<", "~=", "!=", "abc", ">=abc", ">=1.0,abc", ">=1.0,,<2.0", ">=1.0, , <2.0",
    ">=2.0,<1.0", "==1.0,!=1.0", ">1.0a1,<1.0a2.dev0", ">1.0a1,<1.0a2", ">1.0,<1.0.post5",
    ">1.0,<1.0.0.1", ">=1.0.post1,<1.0.post2", "<=1.0,>=1.0", ">=1.0,<=1.0.post0.dev0",
    "!=1.0,==1.0+local", "==1.*,!=1.0", ">=1.0a1,<2.0", ">=1.0.dev0,<1.0", "~=1.4.5,!=1.4.6",
    "~=1.0.poſt1", "~=1.0prevıew1", ">=1.0.poſt1", "==1.0.poſt1", "~=1.0.post1", "\u00a0>=1.0",
    ">=\u30001.0", ">=1.0\u3000,\u2028<2.0", ">=1.0\u200b", "~=2.2.post3", "~=2.2.0.post3",
    "==2.0.post1.dev0", ">2.0.post1.dev0", "<2.0.post1.dev0", ">=18446744073709551615",
    "(>=1.0)", ">=1.0)", "==1.0.dev1.*", ">=1.0;python_version<'3'",
]


def rng_ranges(rng, pool, n):
    ops = ["==", "!=", "<=", ">=", "<", ">", "~=", "==", "!=", "==="]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            op = rng.choice(ops)
            v = rng.choice(pool)
            if op in ("==", "!=") and rng.random() < 0.3:
                rel = Version(v).release if valid(v) else (1,)
                v = ".".join(map(str, rel[: rng.randint(1, len(rel))])) + ".*"
            parts.append(op + v)
        out.append(",".join(parts))
    return out


def valid(s):
    try:
        Version(s)
        return True
    except Exception:
        return False


def cmp(a, b):
    try:
        va, vb = Version(a), Version(b)
    except Exception:
        return "error"
    return (va > vb) - (va < vb)


def sat(v, r):
    try:
        vv = Version(v)
        ss = SpecifierSet(r)
        return bool(ss.contains(vv))
    except Exception:
        return "error"


def fetch():
    lines = []
    for p in PROJECTS:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{p}/json", timeout=60) as r:
            keys = list(json.load(r)["releases"].keys())
        keys = keys[: TRIM[p]] if p in TRIM else keys
        lines += [f"{p}\t{k}" for k in keys]
    VERSIONS.write_text("\n".join(lines) + "\n")


def main():
    if "--fetch" in sys.argv:
        fetch()
    rng = random.Random(440)
    histories = {}
    for line in VERSIONS.read_text().splitlines():
        if "\t" in line:
            p, v = line.split("\t", 1)
            histories.setdefault(p, []).append(v)

    edges = edge_versions()
    fuzz = fuzz_versions(rng, 3000)
    real = [v for h in histories.values() for v in h]
    cases = set()

    def add(**kw):
        cases.add(json.dumps(kw, ensure_ascii=False, separators=(",", ":")))

    for s in sorted(set(real + edges + fuzz)):
        add(kind="parse", input=s, expect=valid(s))

    # compare: adjacent pairs of each sorted history, random pairs across histories,
    # all pairs of the edge cases (and of the valid fuzz strings with the edges).
    for h in histories.values():
        good = sorted((v for v in h if valid(v)), key=Version)
        for a, b in zip(good, good[1:]):
            add(kind="compare", a=a, b=b, expect=cmp(a, b))
            add(kind="compare", a=b, b=a, expect=cmp(b, a))
        for v in h:
            if not valid(v):
                add(kind="compare", a=v, b="1.0", expect="error")
    for _ in range(4000):
        a, b = rng.choice(real), rng.choice(real)
        add(kind="compare", a=a, b=b, expect=cmp(a, b))
    good_edges = sorted({v for v in edges if valid(v)})
    core = sorted({str(Version(v)) for v in good_edges})  # one spelling per normalized form
    for i, a in enumerate(core):  # each against its neighbours and a seeded sample
        for b in core[max(0, i - 3) : i + 4] + rng.sample(core, 20):
            add(kind="compare", a=a, b=b, expect=cmp(a, b))
    for a in good_edges:  # every spelling against its normalized form
        add(kind="compare", a=a, b=str(Version(a)), expect=cmp(a, str(Version(a))))
    good_fuzz = [v for v in fuzz if valid(v)]
    for _ in range(3000):
        a, b = rng.choice(good_fuzz + good_edges), rng.choice(good_fuzz + good_edges)
        add(kind="compare", a=a, b=b, expect=cmp(a, b))
    for v in edges[:40]:
        add(kind="compare", a=v, b="not a version", expect=cmp(v, "not a version"))

    # satisfies: every edge range against the edge versions, random ranges over each
    # history against that history, and random edge/fuzz combinations.
    probe = rng.sample(core, min(len(core), 60)) + ["not a version", "1.0 x", " 1.0A1 "]
    for r in EDGE_RANGES:
        for v in probe:
            add(kind="satisfies", version=v, range=r, expect=sat(v, r))
    for p, h in sorted(histories.items()):
        good = [v for v in h if valid(v)]
        for r in rng_ranges(rng, good, 20):
            for v in rng.sample(good, min(len(good), 20)):
                add(kind="satisfies", version=v, range=r, expect=sat(v, r))
    for r in rng_ranges(rng, good_edges + good_fuzz, 300):
        for v in rng.sample(good_edges + good_fuzz, 12):
            add(kind="satisfies", version=v, range=r, expect=sat(v, r))

    OUT.write_text("\n".join(sorted(cases)) + "\n")
    kinds = {}
    for c in cases:
        k = json.loads(c)["kind"]
        kinds[k] = kinds.get(k, 0) + 1
    print(f"packaging {packaging.__version__}: {len(cases)} cases {kinds} -> {OUT}")


if __name__ == "__main__":
    main()
