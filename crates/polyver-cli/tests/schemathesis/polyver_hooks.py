"""Schemathesis hooks for `polyver serve` (loaded with SCHEMATHESIS_HOOKS=polyver_hooks).

A version range is a grammar of its own in each ecosystem (PEP 440 specifiers, npm ranges,
Maven intervals, ...), which JSON Schema cannot state: the document says `range` is a
non-empty string, and the server answers 400 to a string that is no range of the ecosystem
asked for. Generated text is almost never a range, so every positive request carrying one
would be refused and the `positive_data_acceptance` check would fail on a correct server.
The hook replaces each generated non-empty `range` with a real range of the request's
ecosystem (and drops it where that ecosystem's versions have no order in polyver), so the
rest of the request is still fuzzed. An empty `range` is left alone: it breaks the schema's
`minLength`, and the server must refuse it. The server's own answers to bad ranges are
tested in polyver-server's tests.

Pushes (`POST /api/v1/scans`, sent with the push token the test passes in an Authorization
header): the document describes a scan's components, diagnostics and findings with the
schemas of what the API answers, whose field grammars (file format ids, line numbers that
fit 32 bits, ...) the server's deserializer is stricter about than JSON Schema can say. The
hook empties those three arrays of a generated document (schemathesis re-validates the case,
so a document that was invalid only inside them counts as valid), so the rest of the
document — its schema, scan id, repository, times, inventory header, stats and `outdated`
rows — is fuzzed against the server. Each valid scan id is replaced by a fresh one (UUID v5
of a counter, deterministic), so two generated documents never share one: a reused scan id
for another repository is a 422 by design (tested in polyver-server's tests).
"""

import itertools
import uuid

import schemathesis

# Ranges each version engine reads (checked with `polyver version satisfies`).
RANGES = {
    "pypi": ["<2.31", ">=1.0,<2", "~=3.10", "==2.28.1"],
    "npm": ["<2.31.0", "^1.2.0", ">=1.0.0 <2.0.0", "~18.2"],
    "cargo": ["<2.31", "^1.2", ">=1, <2"],
    "go": ["<v2.31.0", ">=v1.0.0"],
    "maven": ["[1.0,2.0)", "(,2.31]"],
    "rubygems": ["< 2.31", "~> 3.0"],
    "nuget": ["[1.0,2.0)", "1.0"],
    "docker": ["<15", ">=3.10", "<15-alpine"],
    "deb": ["<2.31", ">= 1.0", "<< 2.0"],
}
# Ecosystems whose versions are plain SemVer 2.0 in polyver (pub, SwiftPM, hex, Julia).
for semver in ("pub", "swift", "hex", "julia"):
    RANGES[semver] = ["<2.31.0", ">=1.0.0, <2.0.0"]
# Generic runtimes follow their language's rules.
GENERIC = {"python": "pypi", "node": "npm"}


# Ecosystems whose versions polyver cannot order: a range there is refused, so it is dropped.
UNORDERED = {"composer", "helm", "terraform", "github-actions", "gitlab-ci", "alembic",
             "flyway", "openapi", "liquibase", "golang-migrate", "sqlx", "django", "prisma",
             "rails", "cocoapods", "conan", "cran", "hackage", "conda", "apk"}


def real_range(query):
    """The query with its generated `range` made a real one, or `None` to leave it as is."""
    text = query.get("range")
    if not isinstance(text, str) or text == "":
        return None
    ecosystem, name = query.get("ecosystem"), query.get("name")
    if not all(v is None or isinstance(v, str) for v in (ecosystem, name)):
        return None  # repeated or odd values: left for the server to judge
    if ecosystem is None or (ecosystem == "generic" and name is None):
        scheme = "pypi"  # each component in its own ecosystem: any real range will do
    elif ecosystem == "generic":
        scheme = GENERIC.get(name)
    elif ecosystem in RANGES:
        scheme = ecosystem
    elif ecosystem in UNORDERED:
        scheme = None
    else:
        return None  # not an ecosystem: the server must refuse the request for that
    query = dict(query)
    if scheme is None:
        del query["range"]
    else:
        choices = RANGES[scheme]
        query["range"] = choices[sum(map(ord, text)) % len(choices)]
    return query


PUSHES = itertools.count()
PUSH_NAMESPACE = uuid.UUID("6f1c2a9e-8d3b-4c5e-9f7a-1b2c3d4e5f60")


def push_document(body):
    """The generated push document with its scan's arrays emptied and a fresh scan id."""
    inventory = body.get("inventory")
    if isinstance(inventory, dict):
        for key in ("components", "diagnostics"):
            if isinstance(inventory.get(key), list) and inventory[key]:
                inventory[key] = []
    if isinstance(body.get("findings"), list) and body["findings"]:
        body["findings"] = []
    scan_id = body.get("scan_id")
    if isinstance(scan_id, str):
        try:
            uuid.UUID(scan_id)
        except ValueError:
            return  # not a UUID: the server must refuse it as it is
        body["scan_id"] = str(uuid.uuid5(PUSH_NAMESPACE, str(next(PUSHES))))


# Before every request of every phase (the coverage phase builds its cases without the
# generation hooks); schemathesis then re-reads the case, so it still knows whether what is
# sent is valid.
@schemathesis.hook
def before_call(context, case, kwargs):
    if isinstance(case.query, dict):
        query = real_range(case.query)
        if query is not None:
            case.query = query
    if case.method.upper() == "POST" and case.operation.path == "/api/v1/scans":
        if isinstance(case.body, dict):
            push_document(case.body)
