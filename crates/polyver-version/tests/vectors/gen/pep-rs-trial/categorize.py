"""Sorts pep440_rs's disagreements with packaging (stderr of `pep-rs-trial`) into categories,
first match wins, with counts per case kind and examples."""
import json,re,collections,sys
cats=collections.OrderedDict()
def text(c):
    return " ".join(str(c.get(k,"")) for k in ("input","a","b","version","range"))
def category(d):
    c=d["case"]; t=text(c)
    if re.search(r"\d{4301,}", t) or (c["kind"]=="parse" and re.search(r"\d{300,}",t)):
        return "Python's 4300-digit int limit (packaging rejects; pep440_rs accepts)"
    if any(int(n)>=2**64 for n in re.findall(r"\d{20,}", t)):
        return "numbers >= 2^64 (packaging's ints are unbounded; pep440_rs stores u64)"
    if re.search(r"[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]", t):
        return "Unicode/ASCII control whitespace that Python's str.strip() removes"
    if c["kind"]=="satisfies" and "===" in c["range"]:
        return "`===` arbitrary equality (string match in packaging)"
    if c["kind"]=="satisfies" and (re.search(r"(^|,)\s*(,|$)", c["range"]) or c["range"].strip()==""):
        return "empty items in a specifier set (`>=1.0,,<2.0`, `\"\"`)"
    if c["kind"]=="satisfies" and d["got"]!="error" and re.search(r"(a|b|rc|c|alpha|beta|pre|preview|dev)\d*", c["version"].lower()):
        return "pre-/dev-release versions inside the range: packaging 26 admits them, pep440_rs excludes them"
    if c["kind"]=="satisfies" and ".*" in c["range"]:
        return "`==V.*`/`!=V.*` against a version with fewer release numbers (packaging pads it with zeros)"
    if c["kind"]=="satisfies" and re.match(r"\s*>[^=]", c["range"]) and "post" in c["version"]:
        return "`>V` with V a pre/dev release: packaging admits the post-releases of V's release"
    return "other"
for line in open(sys.argv[1]):
    d=json.loads(line)
    cats.setdefault(category(d),[]).append(d)
for k,v in sorted(cats.items(), key=lambda kv:-len(kv[1])):
    kinds=collections.Counter(d["case"]["kind"] for d in v)
    print(f"{len(v):5d}  {k}  {dict(kinds)}")
    for d in v[:4]:
        print("        ", json.dumps(d["case"],ensure_ascii=True)[:160], "-> got", d["got"])
