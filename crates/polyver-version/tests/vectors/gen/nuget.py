#!/usr/bin/env python3
"""Turns nuget-cases.txt (hand-written from NuGet's documented rules) into ../nuget.jsonl.

Each non-comment line is tab-separated:  parse<TAB>input<TAB>true|false
                                         compare<TAB>a<TAB>b<TAB>-1|0|1|error
                                         satisfies<TAB>version<TAB>range<TAB>true|false|error
`\\t`-free fields; `\\s` stands for a leading/trailing space. `compare` lines are also emitted
reversed (with the sign flipped). Usage: python3 nuget.py  (no network, deterministic).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def field(s):
    return s.replace("\\s", " ")


def value(s):
    return {"true": True, "false": False, "error": "error"}.get(s, None) if not s.lstrip("-").isdigit() else int(s)


def main():
    out, seen = [], set()

    def emit(case):
        line = json.dumps(case, ensure_ascii=True, separators=(",", ":"))
        if line not in seen:
            seen.add(line)
            out.append(line)

    with open(os.path.join(HERE, "nuget-cases.txt"), encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            kind = parts[0]
            if kind == "parse" and len(parts) == 3:
                emit({"kind": "parse", "input": field(parts[1]), "expect": value(parts[2])})
            elif kind == "compare" and len(parts) == 4:
                a, b, e = field(parts[1]), field(parts[2]), value(parts[3])
                emit({"kind": "compare", "a": a, "b": b, "expect": e})
                emit({"kind": "compare", "a": b, "b": a, "expect": e if e == "error" else -e})
            elif kind == "satisfies" and len(parts) == 4:
                emit({"kind": "satisfies", "version": field(parts[1]), "range": field(parts[2]),
                      "expect": value(parts[3])})
            else:
                raise SystemExit(f"nuget-cases.txt:{n}: cannot read {line!r}")
    with open(os.path.join(HERE, "..", "nuget.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(len(out), "cases")


if __name__ == "__main__":
    main()
