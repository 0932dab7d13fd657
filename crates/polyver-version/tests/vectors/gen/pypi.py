#!/usr/bin/env python3
"""Differential vectors for the pypi scheme, produced by pip's `packaging` (the reference).

Reference: packaging 26.3 on CPython 3.11 (`pip install packaging==26.3`).

    python3 pypi.py                 # writes ../pypi.jsonl (offline: reads pypi-versions.txt)
    python3 pypi.py --fetch         # first refreshes pypi-versions.txt from PyPI's JSON API
    python3 pypi.py --fuzz 200000 --out /tmp/pypi-fuzz.jsonl --seed 7
                                    # random cases for a local soak run (not committed)

Expectations:
- parse: `Version(s)` succeeds (any exception, e.g. Python's 4300-digit `int()` limit, is a no).
- compare: `Version(a)` vs `Version(b)`: -1/0/1; "error" when either does not parse.
- satisfies: `SpecifierSet(range).contains(version)` with default arguments and the version as
  a string (so `===` sees it as written); "error" when `Version(version)` or
  `SpecifierSet(range)` raises, or when a specifier's version (wildcard stripped) does not
  parse: `packaging` checks that lazily and raises (AssertionError/ValueError) whenever it
  evaluates that specifier, e.g. `~=1.0.prevİew1`, which only the non-ASCII `~=` branch of
  `Specifier._regex` accepts. polyver rejects such ranges up front.
"""

import argparse
import json
import random
import sys
from pathlib import Path

import packaging
from packaging.specifiers import SpecifierSet
from packaging.version import Version

REFERENCE = "26.3"
HERE = Path(__file__).resolve().parent
VERSIONS_FILE = HERE / "pypi-versions.txt"
OUT = HERE.parent / "pypi.jsonl"

# Full release histories (boto3 trimmed: it has thousands of near-identical versions).
PACKAGES = [
    "Django", "numpy", "requests", "setuptools", "pip", "cryptography", "pytz", "urllib3",
    "SQLAlchemy", "boto3", "tensorflow",
]
BOTO3_KEEP = 400

BIG = "18446744073709551616"  # u64::MAX + 1

EDGE_VERSIONS = [
    # plain, zeros, whitespace (Python's str.isspace set), leading v
    "0", "0.0", "00", "0.dev0", "0a0", "0.0.0.0.0.1", "1", "1.0", "1.0.0", "1.0.0.0.0", "1.00",
    "01.02.003", "1.2.3.4.5.6.7.8.9.10", "v1.0", "V1.0", " 1.0", "1.0 ", "\t1.0\n", "\u30001.0",
    "\u00a01.0\u2028", "\x1c1.0\x1f", "\x0b1.0\x0c", "\x851.0\r", "\u20001.0\u205f",
    # epochs
    "1!0", "0!1.0", "01!1.0", "1!1.0a1", "2!0.dev0", "1!1.0+x", "v1!1.0",
    # pre-releases: every spelling and separator
    "1.0a", "1.0a0", "1.0a1", "1.0A1", "1.0alpha1", "1.0ALPHA", "1.0Alpha-2", "1.0-alpha-1",
    "1.0.alpha.1", "1.0_a_1", "1.0b", "1.0beta2", "1.0.b.2", "1.0c1", "1.0C", "1.0rc", "1.0rc1",
    "1.0RC1", "1.0.rc.1", "1.0pre1", "1.0-pre-1", "1.0preview1", "1.0.preview.1", "1.0-c",
    "1.0a.", "1.0a-", "1.0a_", "1.0a1-1", "1.0a_-1", "1.0a--1", "1.0.0a1", "1.2.3-beta.1",
    "1.0-rc.1", "1.0.0-alpha+001",
    # post-releases, implicit ones
    "1.0-1", "1.0-0", "1.0-01", "1.0post", "1.0.post", "1.0.post0", "1.0post1", "1.0-post-1",
    "1.0_post_1", "1.0.rev1", "1.0rev", "1.0r", "1.0-r-2", "1.0.POST1", "1.0.post.", "1.0.post-",
    "1.0a1.post1", "1.0a1_r2", "1.0.0.post1", "1.0post-1",
    # dev releases
    "1.0dev", "1.0.dev0", "1.0.dev1", "1.0-dev-1", "1.0_dev_1", "1.0DEV1", "1.0.dev.",
    "1.0a1.dev1", "1.0.post1.dev1", "1.0-1.dev2", "1.0a1.post2.dev3", "1.0rc1-1-dev", "1.0.post.dev",
    # local versions
    "1.0+abc", "1.0+ABC", "1.0+abc.5", "1.0+abc-5", "1.0+abc_5", "1.0+5", "1.0+05", "1.0+5.abc",
    "1.0+0", "1.0+00", "1.0+a.b.c.1.2.3", "1.0+ubuntu1", "1.0+ubuntu.1", "1.0+ubuntu-1", "1.0+z",
    "1.0a1+local", "1.0.post1+x", "1.0.dev1+x", "1.0.0+abc", "1.0.0+20130313144700", "1.0+1a",
    "1.0+a1", "1.0+6",
    # huge numbers (Python ints are unbounded up to the 4300-digit conversion limit)
    "18446744073709551615", BIG, "99999999999999999999999999", "1." + BIG, "1.0a" + BIG,
    "1.0.post" + BIG, "1.0.dev" + BIG, "1.0+" + BIG, "1!" + BIG, BIG + "!1",
    "0000000000000000000000001", "1" * 4300, "1.0+" + "9" * 4300,
    # invalid
    "", " ", "v", "vv1", "1.", ".1", "1..0", "1.0.", "1.0+", "1.0+abc.", "1.0+abc..d", "1.0+a+b",
    "1.0-", "1.0--1", "1!", "!1", "1!2!3", "1.0a1a2", "1.0.dev1.post1", "1.0.post1.post2",
    "1.0 a1", "1. 0", "1.*", "1,0", "\u0967.0", "\u0661.\u0660", "1.0+\u00e4", "1.0+\u212a",
    "1.0prev\u0130ew", "1.0po\u017ft1", "1.0\u200b", "1.0\x00", "-1.0", "+1.0", "1.0.-1",
    "1.0a-.1", "1.0b2b", "1.0rc1rc2", "1.0c.c", "1.0dev1dev", "1.0.dev1.a1", "1.0.post1a1",
    "1.0_", "1.0.x", "latest", "dev", "a1", "1e3", "0x10", "1_000", "2004d", "1.0.0-SNAPSHOT",
    "1.0.0-alpha.beta", "1.0~rc1", "1.0+-a", "1.0+a-", "1.0.post1-1", "1.0-1-1", "1.0 1",
    "1" * 4301, "0" * 4301, "1.0+" + "1" * 4301, "1.0a" + "0" * 4301, "\u30001.0\u200b",
]

EDGE_RANGES = [
    "", " ", ",", " , ,", ">=1.0", ">= 1.0", ">=v1.0", ">=V1.0", ">=1.0a1", ">=1.0.dev0",
    ">=1!0", ">1.0", ">1.0.0", ">1", ">1.0a1", ">1.0a1.dev0", ">1.0.post1", ">1.0.dev1",
    ">1.0.post1.dev1", ">1.0a1.post1", ">1.0rc1.dev2", ">0", ">1!1.0", "<1.0", "<1", "<1.0a1",
    "<1.0.post1", "<1.0.dev1", "<1.0a1.post1", "<0", "<0.0", "<0.dev0", "<0.dev1", "<0a0",
    "<0.post0", "<1!0", "<=1.0", "<=1.0a1", "<=1.0.post1", "<=1.0.dev1", "<=0", "==1.0", "==1.0.0",
    "==1", "==1.0+abc", "==1.0+ABC-1", "==1.0+5", "==v1.0", "== 1.0", "==1.0a1", "==1.0.post1",
    "==1.0.dev1", "==1.0a1+x", "==1.*", "==1.0.*", "==1.0.0.*", "==0.*", "==1!1.*", "==v1.*",
    "== 1.0.*", "!=1.0", "!=1.0+abc", "!=1.*", "!=1.0.*", "!=1.0a1", "!=1.0.post1", "!=1.0.dev1",
    "~=1.0", "~=1.0.0", "~=1.4.5", "~=2.2.post3", "~=1.0a1", "~=1.0.dev1", "~=1!1.0", "~=0.0",
    "~=1.0.0.0", "~= 1.0", "~=V1.0", "===1.0", "===1.0a", "===1.0A", "===foo", "===", "=== 1.0",
    "===1.0+abc", "=====", "===1.0.0", "===v1.0", "===1.0+\u212a", "===1.0(", "===\u00e41",
    ">=1.0,<2.0", ">=1.0, <2.0, !=1.5", ">=1.0,<1.0", ">1.0,<=1.0", ">1.0,<=1.0.post1",
    ">1.0,==1.0.post1", ">1.0,<1.0.0.1", ">1.0,<1.0.post5", ">=1.0,==1.0.*", "==1.0,!=1.0",
    "!=1.0,==1.0+abc", "<=1.0,>=1.0", ">=2.0,<1.0", "==1.0,===1.0", ">=1.0,===1.0a",
    "~=1.0,!=1.5.*", ">=1.0a1,<1.0", ">1.0a1,<1.0a2", ">1.0a1,<1.0a2.dev0", ">1.0a1,<=1.0a2.dev0",
    ">1.0a1,<=1.0a1.post3", "<1.0,>0.9", ">=1.0,,<2.0", ",>=1.0,", ">=1.0 , <2.0 ",
    "\t>=1.0\u3000", ">=1.0,>=1.0.0", "!=1.0,!=1.0.0,!=1", "==1.0.*,!=1.0.0", ">1.0.dev1,<1.0.dev2",
    ">1.0.post1,<1.0.post2.dev0", ">=1.0.post1.dev1,<=1.0.post1", "~=1.0,>1.0", "<2,>1,!=1.5",
    ">=" + BIG, "<" + BIG, "==18446744073709551615.*", "~=1.18446744073709551615",
    ">1.0.post18446744073709551615", ">1.0.dev18446744073709551615", ">1.0a18446744073709551615",
    "<=1.0.post" + BIG, "==" + BIG + ".*",
    # invalid
    "1.0", "=1.0", "=>1.0", "=<1.0", ">=", "<", "==", "!==1.0", "<>1.0", "> =1.0", ">=1.0+abc",
    "<1.0+abc", ">1.0+abc", "<=1.0+abc", "~=1", "~=1+abc", "~=1.0+abc", "~=1.*", ">=1.*", "<1.0.*",
    "==1.0a1.*", "==1.0.*.*", "== 1.0 .*", "==.*", "===1.0;", "===1.0)", "===a b", "==1.0;",
    ">=1.0;python_version<'3'", ">=1.0 <2.0", ">=1.0 and <2.0", ">=1.0|<2.0", ">=1.0||<2.0",
    "^1.0", "~1.0", "1.0.*", "*", ">=1.0,foo", ">=1.0,<", "~=1.0.prev\u0130ew1",
    "~=1.0.po\u017ft1", "~=1.0.prev\u0131ew1", ">=1.0.prev\u0130ew1", "==1.0.prev\u0130ew1",
    ">=\u0661.0", ">=1.0+\u212a", ">=" + "1" * 4301, "==1.0.*+abc", "~=1.0-", ">= 1.0-",
    ">=1.0 .post1", "(>=1.0)", "!=1.0.*+x", ">=1.0a1.*", ">=1.0,\u200b", "== v 1.0", "==vv1.0",
    ">=1.0,~=1", "~=1.0,>=" + "9" * 4301,
]

GLOBAL_PROBES = ["0", "0.dev0", "0.0.1", "1.0", "1.0a1", "1!1.0", "2.0", BIG, "1.0+x", "not-a-version"]


def parse_ok(s):
    try:
        Version(s)
        return True
    except Exception:
        return False


def compare(a, b):
    try:
        va, vb = Version(a), Version(b)
    except Exception:
        return "error"
    return -1 if va < vb else (1 if va > vb else 0)


def satisfies(version, rng):
    try:
        Version(version)
        spec_set = SpecifierSet(rng)
        for spec in spec_set:
            if spec.operator != "===":
                Version(spec.version.removesuffix(".*"))
        return bool(spec_set.contains(version))
    except Exception:
        return "error"


def release_str(v, release):
    return (f"{v.epoch}!" if v.epoch else "") + ".".join(map(str, release))


def variants(text):
    """Versions around a specifier's version: its pre/post/dev/local neighbours."""
    out = {text, text.upper(), " " + text, "v" + text}
    if len(text) > 100:
        return out
    try:
        v = Version(text)
    except Exception:
        return out
    rel = v.release
    base = release_str(v, rel)
    out |= {str(v), v.public, base, base + ".0", base + ".0.1", base + ".0.0.0.1"}
    for suffix in [".dev0", ".dev1", "a0.dev0", "a1", "b2", "rc1", "rc1.post1", ".post0.dev0",
                   ".post0", ".post1", ".post1.dev1", ".post2", "+loc", "+1", "+loc.post"]:
        out.add(base + suffix)
    out.add(v.public + "+loc")
    out.add(v.public + "+0")
    bumped = rel[:-1] + (rel[-1] + 1,)
    out |= {release_str(v, bumped), release_str(v, bumped) + ".dev0"}
    if rel[-1] > 0:
        lowered = rel[:-1] + (rel[-1] - 1,)
        out |= {release_str(v, lowered), release_str(v, lowered) + ".post9"}
    if len(rel) > 1:
        up = rel[:-2] + (rel[-2] + 1,)
        out |= {release_str(v, up), release_str(v, up) + ".dev0", release_str(v, up) + "a1"}
        out.add(release_str(v, rel[:-1]))
    out.add(str(v.__replace__(epoch=v.epoch + 1)))
    if v.dev is not None:
        out |= {str(v.__replace__(dev=v.dev + 1)), str(v.__replace__(dev=v.dev + 1)) + "+l"}
        out.add(str(v) + "+l")
        if v.dev > 0:
            out.add(str(v.__replace__(dev=v.dev - 1)))
    if v.post is not None:
        out |= {str(v.__replace__(post=v.post + 1, dev=0)), str(v.__replace__(post=v.post + 1))}
        out.add(str(v.__replace__(dev=None)) + "+l")
    if v.pre is not None:
        kind, n = v.pre
        out |= {str(v.__replace__(pre=(kind, n + 1), post=None, dev=0)),
                str(v.__replace__(pre=(kind, n + 1), post=None, dev=None)),
                str(v.__replace__(post=3)), str(v.__replace__(dev=None)) + "+l"}
    return out


def spec_texts(rng):
    """The version strings of a range's specifiers, found without `packaging`."""
    out = []
    for item in rng.split(","):
        item = item.strip().lstrip("=!<>~").strip()
        if item.endswith(".*"):
            item = item[:-2]
        if item:
            out.append(item)
    return out


def read_histories():
    histories = {}
    for line in VERSIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, version = line.partition("\t")
        histories.setdefault(name, []).append(version)
    return histories


def fetch_histories(json_dir=None):
    import urllib.request

    def releases_of(name):
        if json_dir:
            return list(json.loads((json_dir / f"{name}.json").read_text())["releases"])
        url = f"https://pypi.org/pypi/{name}/json"
        with urllib.request.urlopen(url, timeout=60) as resp:
            return list(json.load(resp)["releases"])

    lines = [
        "# Release histories from PyPI's JSON API (`releases` keys), for gen/pypi.py.",
        f"# boto3 keeps {BOTO3_KEEP} of its releases (every k-th in version order).",
    ]
    for name in PACKAGES:
        releases = releases_of(name)
        if name == "boto3" and len(releases) > BOTO3_KEEP:
            releases.sort(key=lambda s: (Version(s), s) if parse_ok(s) else (Version("0"), s))
            step = len(releases) / BOTO3_KEEP
            releases = [releases[int(i * step)] for i in range(BOTO3_KEEP)]
        releases = sorted(set(releases))
        lines += [f"{name}\t{r}" for r in releases if "\t" not in r and "\n" not in r]
    VERSIONS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def history_ranges(rnd, versions):
    """Ranges of the kind real requirements use, built from one package's versions."""
    finals = [v for v in versions if not Version(v).is_prerelease] or versions
    out = []
    for _ in range(5):
        a, b = sorted(rnd.sample(finals, 2), key=Version)
        va = Version(a)
        mm = ".".join(map(str, va.release[:2]))
        out += [f">={a},<{b}", f">{a}", f"<={b}", f"=={a}", f"!={a}", f"=={mm}.*",
                f">={a},!={b}", f"<{a}"]
        if len(va.release) >= 2:
            out.append(f"~={a}")
        pre = [v for v in versions if Version(v).is_prerelease]
        if pre:
            out.append(f">={rnd.choice(pre)}")
    return sorted(set(out))


def emit(cases, kind, **fields):
    cases.add(json.dumps({"kind": kind, **fields}, ensure_ascii=True, separators=(",", ":")))


def generate(seed=20240501):
    rnd = random.Random(seed)
    histories = read_histories()
    cases = set()

    all_versions = sorted({v for vs in histories.values() for v in vs} | set(EDGE_VERSIONS))
    for s in all_versions:
        emit(cases, "parse", input=s, expect=parse_ok(s))

    # compare: adjacent pairs of each sorted history, random pairs across histories, edge pairs
    valid_history = []
    for name in sorted(histories):
        vs = sorted((v for v in histories[name] if parse_ok(v)), key=lambda s: (Version(s), s))
        valid_history += vs
        for a, b in zip(vs, vs[1:]):
            emit(cases, "compare", a=a, b=b, expect=compare(a, b))
    for _ in range(3000):
        a, b = rnd.choice(valid_history), rnd.choice(valid_history)
        emit(cases, "compare", a=a, b=b, expect=compare(a, b))
    edge_valid = [s for s in EDGE_VERSIONS if parse_ok(s) and len(s) < 100]
    for i, a in enumerate(edge_valid):
        for b in edge_valid[i:]:
            emit(cases, "compare", a=a, b=b, expect=compare(a, b))
    edge_invalid = [s for s in EDGE_VERSIONS if not parse_ok(s) and len(s) < 100]
    for s in edge_invalid:
        emit(cases, "compare", a="1.0", b=s, expect=compare("1.0", s))
        emit(cases, "compare", a=s, b=rnd.choice(edge_valid), expect="error")

    # satisfies: edge ranges against versions around their bounds
    for rng in EDGE_RANGES:
        probes = set(GLOBAL_PROBES)
        for text in spec_texts(rng):
            probes |= variants(text)
        probes |= set(rnd.sample(edge_valid, 6))
        if len(rng) > 200:  # a 4301-digit number: a few probes are enough
            probes = set(sorted(probes)[:4])
        for p in sorted(probes):
            emit(cases, "satisfies", version=p, range=rng, expect=satisfies(p, rng))

    # satisfies: realistic ranges against each package's own history
    for name in sorted(histories):
        vs = [v for v in histories[name] if parse_ok(v)]
        for rng in history_ranges(rnd, vs):
            probes = set(rnd.sample(vs, min(6, len(vs))))
            for text in spec_texts(rng):
                probes |= set(rnd.sample(sorted(variants(text)), 4))
            for p in sorted(probes):
                emit(cases, "satisfies", version=p, range=rng, expect=satisfies(p, rng))

    # satisfies: random combinations of specifiers
    pool = edge_valid + rnd.sample(valid_history, 200)
    for _ in range(1200):
        rng = random_range(rnd, pool)
        probes = {rnd.choice(pool)}
        for text in spec_texts(rng):
            probes |= set(rnd.sample(sorted(variants(text)), 2))
        for p in sorted(probes):
            emit(cases, "satisfies", version=p, range=rng, expect=satisfies(p, rng))
    return cases


OPS = ["==", "!=", "<=", ">=", "<", ">", "~=", "===", "==*", "!=*", "=", "=>", ""]
SPACES = ["", "", "", " ", "  ", "\t"]


def random_range(rnd, pool):
    items = []
    for _ in range(rnd.choice([1, 1, 2, 2, 3, 4])):
        op = rnd.choice(OPS)
        ver = rnd.choice(pool).strip()
        if op.endswith("*"):
            ver = ver.split("+")[0]
            cut = len(ver)
            for i, c in enumerate(ver):
                if c.isalpha() and c not in "vV":
                    cut = i
                    break
            ver = ver[:cut].rstrip(".-_") + ".*"
            op = op[:2]
        elif rnd.random() < 0.1:
            ver += rnd.choice(["+local", ".*", "+1.a"])
        items.append(rnd.choice(SPACES) + op + rnd.choice(SPACES) + ver + rnd.choice(SPACES))
    return ",".join(items)


FUZZ_ALPHABET = list("0123456789....--__!!++vVaAbBcCrRepPosStTdDlhiwxz ,*=<>~;)") + [
    "alpha", "beta", "rc", "pre", "preview", "post", "rev", "dev", "\t", "\u3000", "\u0130",
    "\u0131", "\u017f", "\u212a", "\u00e4", "\x1c", BIG,
]


def random_version(rnd):
    """A version built from random parts, in any spelling PEP 440 normalization allows."""
    def sep():
        return rnd.choice(["", "", ".", "-", "_"])

    def num(opt=True):
        return rnd.choice(["", "0", "1", "2", "01", "10"] if opt else ["0", "1", "2", "01", "10"])

    s = rnd.choice(["", "", "", "", "v", "V"])
    if rnd.random() < 0.2:
        s += num(False) + "!"
    s += ".".join(num(False) for _ in range(rnd.choice([1, 2, 2, 3, 3, 4])))
    if rnd.random() < 0.4:
        s += sep() + rnd.choice(["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"]) + sep()
        s += num()
    if rnd.random() < 0.3:
        if rnd.random() < 0.3:
            s += "-" + num(False)
        else:
            s += sep() + rnd.choice(["post", "rev", "r"]) + sep() + num()
    if rnd.random() < 0.3:
        s += sep() + "dev" + sep() + num()
    if rnd.random() < 0.2:
        s += "+" + rnd.choice(["a", "1", "abc.5", "5.abc", "01", "z-1", "A_b"])
    if rnd.random() < 0.3:
        s = "".join(c.upper() if rnd.random() < 0.5 else c for c in s)
    return s


def structured_range(rnd):
    items = []
    for _ in range(rnd.choice([1, 1, 2, 2, 3])):
        op = rnd.choice(["==", "!=", "<=", ">=", "<", ">", "~=", "===", "==*", "!=*"])
        ver = random_version(rnd)
        if op.endswith("*"):
            ver = ver.split("+")[0]
            cut = next((i for i, c in enumerate(ver) if c.isalpha() and c not in "vV"), len(ver))
            ver, op = ver[:cut].rstrip(".-_") + ".*", op[:2]
        elif op not in ("==", "!=", "===") and rnd.random() < 0.9:
            ver = ver.split("+")[0]
        items.append(rnd.choice(SPACES) + op + rnd.choice(SPACES) + ver)
    return ",".join(items)


def fuzz(n, seed):
    """About n cases: half built from random parts, half mutated from real and edge inputs."""
    rnd = random.Random(seed)
    cases = set()
    for _ in range(n // 6):
        s = random_version(rnd)
        emit(cases, "parse", input=s, expect=parse_ok(s))
        a, b = random_version(rnd), random_version(rnd)
        emit(cases, "compare", a=a, b=b, expect=compare(a, b))
        rng = structured_range(rnd)
        texts = spec_texts(rng)
        p = rnd.choice(sorted(variants(rnd.choice(texts)))) if rnd.random() < 0.7 else \
            random_version(rnd)
        emit(cases, "satisfies", version=p, range=rng, expect=satisfies(p, rng))
    pool = [s for s in EDGE_VERSIONS if len(s) < 100] + [v for vs in read_histories().values()
                                                          for v in vs][::7]
    valid = [s for s in pool if parse_ok(s)]

    def garbage(k):
        return "".join(rnd.choice(FUZZ_ALPHABET) for _ in range(rnd.randint(1, k)))

    def mutate(s):
        s = list(s)
        for _ in range(rnd.randint(1, 3)):
            op = rnd.random()
            pos = rnd.randint(0, len(s))
            if op < 0.4:
                s.insert(pos, rnd.choice(FUZZ_ALPHABET))
            elif op < 0.7 and s:
                del s[min(pos, len(s) - 1)]
            elif s:
                s[min(pos, len(s) - 1)] = rnd.choice(FUZZ_ALPHABET)
        return "".join(s)

    for _ in range(n // 6):
        s = garbage(8) if rnd.random() < 0.3 else mutate(rnd.choice(pool))
        emit(cases, "parse", input=s, expect=parse_ok(s))
    for _ in range(n // 6):
        a = rnd.choice(valid)
        b = rnd.choice(valid) if rnd.random() < 0.5 else mutate(a)
        emit(cases, "compare", a=a, b=b, expect=compare(a, b))
    for _ in range(n // 6):
        rng = random_range(rnd, valid)
        if rnd.random() < 0.3:
            rng = mutate(rng)
        texts = spec_texts(rng)
        if texts and rnd.random() < 0.8:
            p = rnd.choice(sorted(variants(rnd.choice(texts))))
        else:
            p = rnd.choice(valid)
        emit(cases, "satisfies", version=p, range=rng, expect=satisfies(p, rng))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fetch", action="store_true", help="refresh pypi-versions.txt from PyPI")
    ap.add_argument("--json-dir", type=Path,
                    help="with --fetch: read NAME.json files saved from the JSON API instead")
    ap.add_argument("--fuzz", type=int, metavar="N", help="write N random cases instead")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--any-packaging", action="store_true",
                    help=f"run with a packaging other than {REFERENCE}")
    args = ap.parse_args()
    if packaging.__version__ != REFERENCE and not args.any_packaging:
        sys.exit(f"packaging {packaging.__version__} installed; the vectors are for "
                 f"{REFERENCE} (pip install packaging=={REFERENCE}, or --any-packaging)")
    if args.fetch:
        fetch_histories(args.json_dir)
    cases = fuzz(args.fuzz, args.seed) if args.fuzz else generate()
    lines = sorted(cases)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds = {}
    for line in lines:
        kind = json.loads(line)["kind"]
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{args.out}: {len(lines)} cases {kinds}, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
