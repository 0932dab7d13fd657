#!/usr/bin/env python3
"""Differential vectors for polyver's debian scheme, answered by the machine's dpkg.

    python3 debian.py --refresh   # re-sample gen/debian-versions.txt from dpkg-query + apt-cache
    python3 debian.py             # write ../debian.jsonl (offline: needs only dpkg)

Every expected value comes from dpkg itself:
  parse     -> `dpkg --validate-version -- V` exit code == 0
  compare   -> `dpkg --compare-versions -- A lt B` / `gt` (or "error" when A or B is invalid)
  satisfies -> each relation of the range evaluated with `dpkg --compare-versions -- V OP R`
               (OP as written, so dpkg decides what the deprecated `<` / `>` mean); the
               range grammar itself (`,` = AND, `|` = OR, optional parentheses, bare version
               = `=`) is polyver's, documented in src/debian.rs, and parsed here the same way.
"""
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cmp_to_key

HERE = os.path.dirname(os.path.abspath(__file__))
LIST = os.path.join(HERE, "debian-versions.txt")
OUT = os.environ.get("OUT", os.path.join(HERE, "..", "debian.jsonl"))
SEED = 20240601
FUZZ = int(os.environ.get("FUZZ", "600"))  # random strings over a version-ish alphabet
CSPACE = " \t\n\v\f\r"

EDGE_VERSIONS = [
    "0", "00", "0.0", "0-0", "1", "1.0", "1.00", "1.", "1.0.", "1..0", "1.0..", "1.0.0",
    "1.0-1", "1.0-0", "1.0-00", "1.0-0.0", "0:1.0", "1:1.0", "01:1.0", "+1:1.0", "-0:1.0",
    "-1:1.0", "1:0", "2:1.0", "1:1.0-1", "2147483647:1", "2147483648:1", "4294967296:1",
    "4294967297:1", "99999999999999999999:1", "-99999999999999999999:1", "0x1:1", "1e1:1",
    "1.0~", "1.0~~", "1.0~~a", "1.0~a", "1.0~rc1", "1.0~rc1-1", "1.0~beta", "1.0a", "1.0A",
    "1.0Z", "1.0z", "1.0+", "1.0+b1", "1.0+dfsg", "1.0+dfsg-1", "1.0-1~bpo1", "1.0-1+deb12u1",
    "1.0-1ubuntu1", "1.0-1build1", "1.0-a.b+c~d", "1.0-~", "1~-1", "1-~", "1.+", "1.~", "1.-1",
    "1.99999999999999999999999", "1.100000000000000000000000", "1.000000000000000000000001",
    "18446744073709551616", "18446744073709551615.1", "1:2:3", "1:2:3-4", "0:2:3", "1-2-3",
    "1.0-a-b", "1a2b3c", "1a", "1a0", "1A", "1Z", "1z", "1~", "9", "10", "1.2.3.4.5.6",
    "3.0-1.1", "2.36-9+deb12u4", "1:9.18.19-1~deb12u1", "a", "a1", "~1", "1_0", "1 0", "1.0 -1",
    " 1.0 ", "\t1.0", "1.0\t", "1.0\n", "\v1:1", "\n1:1", "\r+1:1", "1:1\v", "", " ", "1:",
    ":1", "1.0-", "-1", "-", "1.0:2", "1.0-a:b", "1.0-a_b", "1ä", "1.0-ä", "1.0/1", "1,0",
    "1.0(1)", "1:-1", "1:1-", "- 1:1", "+:1", "--1:1", "1:~", "0:0", "0:0-0", "1.0-0~", "1.0-~0",
]

EDGE_RANGES = [
    ">= 1.0", ">=1.0", "(>= 1.0)", "( >= 1.0 )", "(>=1.0)", "<< 1.0", "(<< 1.0)", "<= 1.0",
    "= 1.0", "=1.0", ">> 1.0", "< 1.0", "> 1.0", "(< 1.0)", "(> 1.0)", "1.0", "(1.0)",
    "1.0-0", "= 0:1.0", "= 1.0-0", ">= 1:0", "<< 1:0", ">= 1.0~", "<< 1.0~", ">> 1.0~~",
    "<< 1.0~rc1", ">= 1.0~rc1", "<= 1.0+b1", ">= 1.0, << 2.0", "(>= 1.0), (<< 2.0)",
    ">= 1.0,<< 2.0", "<< 1.0 | >> 2.0", "(<< 1.0) | (>> 2.0)", "<< 1.0|>> 2.0",
    ">= 0.5, << 1.0 | >= 2.0", "= 1.0 | = 1.0-1 | = 1:1.0", ">= 1.0-1~bpo1, << 1.0-2",
    ">> 2147483647:1", ">= 1.99999999999999999999999", "<< 1.100000000000000000000000",
    ">= 1:2:3", "= 1-2-3", ">= 1.0, >= 2.0, >= 3.0", "<< 0", ">= 0", "\t>= 1.0\n",
    "<<1.0|>=1.0", ">= 1.0 , << 2.0 | = 3.0",
    # invalid
    "", " ", ",", "|", ">= 1.0,", ", >= 1.0", ">= 1.0 |", "| >= 1.0", ">= 1.0,,<< 2",
    ">=", "(>=)", "()", "(", ">= 1.0)", "(>= 1.0", "((>= 1.0))", "<> 1.0", ">< 1.0",
    "=> 1.0", "=< 1.0", "== 1.0", "!= 1.0", "~> 1.0", ">= a", ">= 1.0 2.0", ">= 1.0-",
    ">= 1:", ">= :1", ">= -1:1", ">= 2147483648:1", ">= 1_0", ">= (1.0)", "> = 1.0",
    "< < 1.0", ">>> 1.0", "<<< 1.0", ">= 1.0 (<< 2.0)", "libc6 (>= 2.31)", "*",
]


def run(args):
    return subprocess.run(["dpkg", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode


def pmap(fn, items):
    with ThreadPoolExecutor(max_workers=2) as ex:
        return list(ex.map(fn, items))


VALID = {}
REL = {}


def validate_all(vs):
    todo = sorted({v for v in vs if v not in VALID})
    for v, rc in zip(todo, pmap(lambda v: run(["--validate-version", "--", v]), todo)):
        VALID[v] = rc == 0


def rel_all(triples):
    todo = sorted({t for t in triples if t not in REL})
    for t, rc in zip(todo, pmap(lambda t: run(["--compare-versions", "--", *t]), todo)):
        assert rc in (0, 1), f"dpkg --compare-versions {t}: exit {rc}"
        REL[t] = rc == 0


def cmp3_all(pairs):
    rel_all([(a, "lt", b) for a, b in pairs] + [(a, "gt", b) for a, b in pairs])
    return {p: -1 if REL[(p[0], "lt", p[1])] else 1 if REL[(p[0], "gt", p[1])] else 0
            for p in pairs}


# Sorting only picks which pairs become vectors; every expectation is dpkg's answer.
def _order(c):
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    if c == "~":
        return -1
    return ord(c) + 256 if c else 0


def _verrevcmp(a, b):
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i] if i < len(a) else "")
            bc = _order(b[j] if j < len(b) else "")
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        k = i
        while i < len(a) and a[i].isdigit():
            i += 1
        m = j
        while j < len(b) and b[j].isdigit():
            j += 1
        x, y = int(a[k:i] or 0), int(b[m:j] or 0)
        if x != y:
            return -1 if x < y else 1
    return 0


def _split(v):
    v = v.strip(" \t")
    e, rest = v.split(":", 1) if ":" in v else ("0", v)
    up, _, rev = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(e.strip(CSPACE) or 0), up, rev


def approx_cmp(a, b):
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    return (ea > eb) - (ea < eb) or _verrevcmp(ua, ub) or _verrevcmp(ra, rb)


def parse_range(s):
    """polyver's grammar -> list of groups of (op as written for dpkg, version), or None."""
    if not s.strip(CSPACE):
        return None
    groups = []
    for g in s.split(","):
        alts = []
        for a in g.split("|"):
            t = a.strip(CSPACE)
            if t.startswith("("):
                if not t[1:].endswith(")"):
                    return None
                t = t[1:-1].strip(CSPACE)
            if not t:
                return None
            if t[0] in "<>":
                c2 = t[1:2]
                if c2 == "=" or c2 == t[0]:
                    op, t = t[:2], t[2:]
                elif c2 in ("<", ">"):
                    return None
                else:
                    op, t = t[0], t[1:]
            elif t[0] == "=":
                op, t = "=", t[1:]
            else:
                op = "="
            v = t.lstrip(CSPACE)
            if not v or any(c in CSPACE + "()" for c in v):
                return None
            alts.append((op, v))
        groups.append(alts)
    return groups


def refresh():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}\n"], capture_output=True,
                         text=True).stdout.split("\n")
    avail = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True).stdout
    out += [l[len("Version: "):] for l in avail.split("\n") if l.startswith("Version: ")]
    allv = sorted({v.strip() for v in out if v.strip()})
    sample = sorted(random.Random(SEED).sample(allv, min(3000, len(allv))))
    with open(LIST, "w") as f:
        f.write("".join(v + "\n" for v in sample))
    print(f"{len(allv)} distinct versions, sampled {len(sample)} -> {LIST}")


def main():
    if "--refresh" in sys.argv:
        refresh()
    with open(LIST) as f:
        real = [l.rstrip("\n") for l in f if l.strip()]
    rng = random.Random(SEED)
    cases = []
    frng = random.Random(SEED + 1)
    fuzz = ["".join(frng.choice("0123456789..--::aZz~+ \t_") for _ in range(frng.randint(1, 8)))
            for _ in range(FUZZ)]
    fuzz_ranges = ["".join(frng.choice("019.-:a~ <>=()|,,") for _ in range(frng.randint(1, 12)))
                   for _ in range(FUZZ)]
    inputs = list(dict.fromkeys(real + EDGE_VERSIONS + fuzz))
    validate_all(inputs)
    for v in inputs:
        cases.append({"kind": "parse", "input": v, "expect": VALID[v]})

    good_real = sorted((v for v in real if VALID[v]), key=cmp_to_key(approx_cmp))
    good_edge = [v for v in EDGE_VERSIONS if VALID[v]]
    bad_edge = [v for v in EDGE_VERSIONS if not VALID[v]]
    pairs = list(zip(good_real, good_real[1:]))
    pairs += [tuple(rng.sample(good_real, 2)) for _ in range(3000)]
    pairs += [(a, b) for i, a in enumerate(good_edge) for b in good_edge[i:]]
    pairs += [(e, rng.choice(good_real)) for e in good_edge]
    pairs = list(dict.fromkeys(pairs))
    res = cmp3_all(pairs)
    for a, b in pairs:
        cases.append({"kind": "compare", "a": a, "b": b, "expect": res[(a, b)]})
    for e in bad_edge:
        cases.append({"kind": "compare", "a": e, "b": "1.0", "expect": "error"})
        cases.append({"kind": "compare", "a": "1.0", "b": e, "expect": "error"})

    ops = ["<<", "<=", "=", ">=", ">>", "<", ">", ""]
    ranges = EDGE_RANGES + fuzz_ranges
    for _ in range(400):
        n_groups = rng.choice([1, 1, 2, 2, 3])
        groups = []
        for _ in range(n_groups):
            alts = []
            for _ in range(rng.choice([1, 1, 1, 2])):
                op = rng.choice(ops)
                v = rng.choice(good_real + good_edge)
                rel = f"{op} {v}" if op else v
                alts.append(f"({rel})" if rng.random() < 0.5 else rel)
            groups.append(" | ".join(alts))
        ranges.append(", ".join(groups))
    ranges = list(dict.fromkeys(ranges))
    # The versions named by the ranges must be validated before they are compared against.
    parsed = {r: parse_range(r) for r in ranges}
    validate_all([v for g in parsed.values() if g for alts in g for _, v in alts])
    for r, g in parsed.items():
        if g is not None and not all(VALID[v] for alts in g for _, v in alts):
            parsed[r] = None

    probe = good_edge + rng.sample(good_real, 40) + bad_edge[:10]
    sat = []
    for r in ranges:
        vs = probe if r in EDGE_RANGES else rng.sample(good_real, 6) + rng.sample(good_edge, 4)
        if parsed[r] is not None:
            for alts in parsed[r]:
                for op, v in alts:
                    for x in vs:
                        if VALID[x]:
                            sat.append((x, op or "=", v))
        for x in vs:
            cases.append((x, r))
    rel_all(sat)
    out = []
    for c in cases:
        if isinstance(c, tuple):
            x, r = c
            if not VALID[x] or parsed[r] is None:
                exp = "error"
            else:
                exp = all(any(REL[(x, op or "=", v)] for op, v in alts) for alts in parsed[r])
            c = {"kind": "satisfies", "version": x, "range": r, "expect": exp}
        out.append(json.dumps(c, ensure_ascii=False, separators=(",", ":")))
    with open(OUT, "w") as f:
        f.write("\n".join(out) + "\n")
    kinds = {}
    for line in out:
        k = json.loads(line)["kind"]
        kinds[k] = kinds.get(k, 0) + 1
    print(f"{len(out)} vectors -> {OUT}: {kinds}")


if __name__ == "__main__":
    main()
