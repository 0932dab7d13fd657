"""Writes tiny but valid Python distributions for the real-index tests.

usage: make_dists.py OUT_DIR NAME VERSION[:KINDS] ...

Prints one line per file written: its path and its sha256 (hex).

KINDS is a comma list of `sdist` (NAME-VERSION.tar.gz with PKG-INFO) and `wheel`
(NAME-VERSION-py3-none-any.whl with METADATA, WHEEL and RECORD); both by default. The file
names follow the sdist and binary distribution format specifications (the name's runs of
`-_.` become `_`), so indexes and clients attribute them as they would a real upload.
"""

import base64
import hashlib
import io
import os
import re
import sys
import tarfile
import zipfile


def metadata(name, version):
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: polyver test package\n\n"


def file_stem(name, version):
    return f"{re.sub(r'[-_.]+', '_', name)}-{version}"


def sdist(out, name, version):
    stem = file_stem(name, version)
    path = os.path.join(out, f"{stem}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for member, text in [
            ("PKG-INFO", metadata(name, version)),
            ("pyproject.toml", f'[project]\nname = "{name}"\nversion = "{version}"\n'),
        ]:
            data = text.encode()
            info = tarfile.TarInfo(f"{stem}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def wheel(out, name, version):
    stem = file_stem(name, version)
    path = os.path.join(out, f"{stem}-py3-none-any.whl")
    info = f"{stem}.dist-info"
    files = {
        f"{info}/METADATA": metadata(name, version),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: polyver-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for member, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{member},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out, name = argv[0], argv[1]
    os.makedirs(out, exist_ok=True)
    for spec in argv[2:]:
        version, _, kinds = spec.partition(":")
        for kind in (kinds or "sdist,wheel").split(","):
            path = {"sdist": sdist, "wheel": wheel}[kind](out, name, version)
            with open(path, "rb") as written:
                print(path, hashlib.sha256(written.read()).hexdigest())


if __name__ == "__main__":
    main(sys.argv[1:])
