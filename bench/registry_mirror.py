#!/usr/bin/env python3
"""Writes a static registry mirror for the packages a `polyver scan --format json` names, so
`polyver outdated` can be benchmarked against local servers with no network:

  simple/NAME/index.html               PyPI Simple API (PEP 503 HTML)
  npm/NAME, npm/@scope/NAME            npm packuments (python's http.server unquotes %2f)
  cargo/..                             crates.io sparse index (1/, 2/, 3/x/, ab/cd/ paths)
  go/MODULE/@v/list, .info, .mod        Go module proxy (case-encoded paths)
  maven/GROUP/ARTIFACT/maven-metadata.xml
  v2/REPOSITORY/tags/list              OCI tag lists (Docker Hub names under library/)
  github/repos/OWNER/REPO/tags, releases

Each package gets its current version plus a newer patch, minor and major (Go: no major,
which would be another module path). Standard library only.

  registry_mirror.py SCAN_JSON OUT_DIR
"""
import json
import os
import re
import sys


def bumps(version):
    """current, next patch, next minor, next major (numeric prefix kept, v kept)."""
    prefix = "v" if version.startswith("v") else ""
    m = re.match(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if not m:
        return [version]
    major, minor, patch = (int(x) if x else 0 for x in m.groups())
    newer = [(major, minor, patch + 1), (major, minor + 1, 0), (major + 1, 0, 0)]
    return [version] + [f"{prefix}{a}.{b}.{c}" for a, b, c in newer]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def pypi(out, name, versions):
    # PEP 691 JSON with PEP 700 upload times (the bench's server sends it with the JSON
    # content type), so no JSON-API fallback is needed for dates.
    files = [
        {"filename": f"{name}-{v}.tar.gz", "url": f"../../files/{name}-{v}.tar.gz",
         "hashes": {"sha256": "0" * 64}, "upload-time": f"202{i}-01-01T00:00:00Z", "yanked": False}
        for i, v in enumerate(versions)
    ]
    doc = {"meta": {"api-version": "1.1"}, "name": name, "versions": versions, "files": files}
    write(f"{out}/simple/{name}/index.html", json.dumps(doc))


def npm(out, name, versions):
    doc = {
        "name": name,
        "dist-tags": {"latest": versions[-1]},
        "versions": {v: {"name": name, "version": v} for v in versions},
        "time": {v: f"202{i}-01-01T00:00:00.000Z" for i, v in enumerate(versions)},
    }
    write(f"{out}/npm/{name}", json.dumps(doc))


def cargo_path(name):
    lower = name.lower()
    if len(lower) <= 2:
        return f"{len(lower)}/{lower}"
    if len(lower) == 3:
        return f"3/{lower[0]}/{lower}"
    return f"{lower[:2]}/{lower[2:4]}/{lower}"


def cargo(out, name, versions):
    lines = [json.dumps({"name": name, "vers": v, "deps": [], "cksum": "0" * 64, "features": {}, "yanked": False}) for v in versions]
    write(f"{out}/cargo/{cargo_path(name)}", "\n".join(lines) + "\n")


def go_escape(path):
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


def go(out, name, versions):
    versions = [v for v in versions if not v.startswith("v" + str(int(re.match(r"v(\d+)", versions[0]).group(1)) + 1))]
    base = f"{out}/go/{go_escape(name)}/@v"
    write(f"{base}/list", "\n".join(versions) + "\n")
    for i, v in enumerate(versions):
        write(f"{base}/{v}.info", json.dumps({"Version": v, "Time": f"202{i}-01-01T00:00:00Z"}))
        write(f"{base}/{v}.mod", f"module {name}\n\ngo 1.21\n")


def maven(out, name, versions):
    group, artifact = name.split(":", 1)
    items = "".join(f"<version>{v}</version>" for v in versions)
    write(
        f"{out}/maven/{group.replace('.', '/')}/{artifact}/maven-metadata.xml",
        f"<metadata><groupId>{group}</groupId><artifactId>{artifact}</artifactId><versioning>"
        f"<latest>{versions[-1]}</latest><release>{versions[-1]}</release><versions>{items}</versions>"
        f"</versioning></metadata>\n",
    )


def docker(out, name, versions):
    if "." in name.split("/")[0] or ":" in name.split("/")[0]:
        return  # another host: not mirrored
    repo = name if "/" in name else f"library/{name}"
    write(f"{out}/v2/{repo}/tags/list", json.dumps({"name": repo, "tags": versions}))


def github(out, name, versions):
    owner_repo = "/".join(name.split("/")[:2])
    tags = [{"name": v, "commit": {"sha": f"{i:040x}"}} for i, v in enumerate(versions)]
    write(f"{out}/github/repos/{owner_repo}/tags", json.dumps(tags))
    write(f"{out}/github/repos/{owner_repo}/releases", "[]")


def terraform(out, name, versions):
    parts = name.split("/")
    write(f"{out}/terraform/.well-known/terraform.json",
          json.dumps({"providers.v1": "/terraform/v1/providers/", "modules.v1": "/terraform/v1/modules/"}))
    numbers = [v.lstrip("v") for v in versions]
    if len(parts) == 2:
        doc = {"versions": [{"version": v, "protocols": ["5.0"], "platforms": []} for v in numbers]}
        write(f"{out}/terraform/v1/providers/{name}/versions", json.dumps(doc))
    elif len(parts) == 3:
        doc = {"modules": [{"versions": [{"version": v} for v in numbers]}]}
        write(f"{out}/terraform/v1/modules/{name}/versions", json.dumps(doc))


WRITERS = {"pypi": pypi, "npm": npm, "cargo": cargo, "go": go, "maven": maven, "docker": docker, "github-actions": github, "terraform": terraform}


def main():
    scan, out = sys.argv[1], sys.argv[2]
    with open(scan) as f:
        components = json.load(f)["components"]
    seen = {}
    for c in components:
        version = c.get("version") or ""
        if not version and c["ecosystem"] == "terraform" and c.get("constraint"):
            version = next(iter(__import__("re").findall(r"\d+(?:\.\d+)*", c["constraint"]["raw"])), "")
        if c["ecosystem"] in WRITERS and version and (c["ecosystem"], c["name"]) not in seen:
            seen[(c["ecosystem"], c["name"])] = version
    for (eco, name), version in sorted(seen.items()):
        versions = bumps(version)
        # Docker and action tags keep their suffix and precision.
        if eco == "docker" and "-" in version:
            suffix = version.split("-", 1)[1]
            versions = [version] + [f"{v.split('-')[0]}-{suffix}" for v in bumps(version.split("-")[0])[1:]]
        WRITERS[eco](out, name, versions)
    print(f"{len(seen)} packages mirrored in {out}")


if __name__ == "__main__":
    main()
