#!/usr/bin/env python3
"""Writes the tree of a git repository's HEAD into a directory, from a bare or partial clone.

Unlike `git archive`, blobs the clone does not hold (a shallow or size-filtered mirror leaves
out large images and test blobs) are skipped and counted instead of aborting the export.
  materialize.py GIT_DIR DEST  -> prints "<written> files, <missing> missing blobs"
"""
import os
import subprocess
import sys
import threading


def main() -> None:
    git_dir, dest = sys.argv[1], sys.argv[2]
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "HEAD"],
        check=True, capture_output=True,
    ).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, oid = meta.split(b" ")
        if kind == b"blob" and mode in (b"100644", b"100755"):
            entries.append((mode, oid, path))
    batch = subprocess.Popen(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    # Fed from a thread: cat-file answers while it reads, and both pipes have a bound.
    def feed() -> None:
        batch.stdin.write(b"".join(oid + b"\n" for _, oid, _ in entries))
        batch.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    written = missing = 0
    for mode, oid, path in entries:
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after each object
        target = os.path.join(os.fsencode(dest), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        if mode == b"100755":
            os.chmod(target, 0o755)
        written += 1
    feeder.join()
    batch.wait()
    print(f"{written} files, {missing} missing blobs")


if __name__ == "__main__":
    main()
