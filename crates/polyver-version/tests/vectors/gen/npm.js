// Generates ../npm.jsonl and ../npm-loose.jsonl from npm's own `semver` package (the reference).
// Offline: the real version histories come from npm-versions.txt (see README-npm.md).
// Run: cd tests/vectors/gen && npm ci && node npm.js   (add --fetch to refresh the histories)
'use strict'

const fs = require('fs')
const path = require('path')
const semver = require('semver')

const LOOSE = { loose: true }

// Seeded RNG (mulberry32) so regeneration is deterministic.
let seed = 0x5eed1234
const rand = () => {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (arr) => arr[Math.floor(rand() * arr.length)]

// `node npm.js --fetch` refreshes npm-versions.txt through the npm client (needs the registry).
const PACKAGES = ['react', 'typescript', 'next', '@angular/core', 'lodash', 'express', 'webpack',
  'eslint', '@types/node', 'vue', 'esbuild']
if (process.argv.includes('--fetch')) {
  const { execFileSync } = require('child_process')
  let text = ''
  for (const p of PACKAGES) {
    const versions = JSON.parse(execFileSync('npm', ['view', p, 'versions', '--json'], { encoding: 'utf8' }))
    text += `# ${p}\n` + versions.map((v) => v + '\n').join('')
  }
  fs.writeFileSync(path.join(__dirname, 'npm-versions.txt'), text)
}

// ---- inputs -------------------------------------------------------------------------------

const histories = []
{
  let cur = null
  for (const line of fs.readFileSync(path.join(__dirname, 'npm-versions.txt'), 'utf8').split('\n')) {
    if (line.startsWith('# ')) {
      cur = []
      histories.push(cur)
    } else if (line.trim() && cur) {
      cur.push(line)
    }
  }
}

const long = (n, c) => c.repeat(n)
const EDGE_VERSIONS = [
  '1.2.3', 'v1.2.3', '=1.2.3', ' 1.2.3 ', '\t1.2.3\n', '1.2.3\u00a0', '\ufeff1.2.3', '\u20281.2.3',
  '\u00851.2.3', 'v 1.2.3', 'vv1.2.3', 'V1.2.3', '=v1.2.3', 'v=1.2.3', '= 1.2.3', '==1.2.3',
  '1.2', '1', '1.2.3.4', '1.2.34.5', '1.2.3.4.5', '01.2.3', '1.02.3', '1.2.03', '00.0.0', '0.0.0',
  '0.0.1', '0.1.0', '1.0.0', '2.0.0', '1.2.4', '1.3.0', '1.2.3-0', '1.2.3-00', '1.2.3-01',
  '1.2.3-007', '1.2.3-0a', '1.2.3-a0', '1.2.3--', '1.2.3-', '1.2.3-.', '1.2.3-.a', '1.2.3-a..b',
  '1.2.3-a.', '1.2.3+', '1.2.3+build', '1.2.3+build.01', '1.2.3+b..c', '1.2.3-beta+exp.sha.5114f85',
  '1.2.3-alpha.1', '1.2.3-alpha.beta', '1.2.3-beta.2', '1.2.3-beta.11', '1.2.3-rc.1', '1.2.3-RC.1',
  '1.2.3-alpha', '1.2.3-Alpha', '1.2.3-1', '1.2.3-2', '1.2.3-10', '1.2.3-a-b', '1.2.3-x.7.z.92',
  '1.2.3beta', '1.2.3-beta_1', '1.2.3 -beta', '1.2.3-beta.01', '1.2.3a.b', '1.2.3-a.007',
  '01.02.03-beta.01', '1.2.3-pr.1', '1.2.3-pr.2', '1.2.4-alpha.notready', '2.0.0-0', '2.0.0-rc.1',
  '1.3.0-0', '0.0.0-0', '0.0.2-0', '3.0.0-beta',
  '9007199254740991.0.0', '9007199254740992.0.0', '0.0.9007199254740991', '0.9007199254740992.0',
  '99999999999999999999999.999999999999999999.99999999999999999', '1.2.3-9007199254740990',
  '1.2.3-9007199254740991', '1.2.3-9007199254740992', '1.2.3-9007199254740993',
  '1.2.3-99999999999999999999', '1.2.3-09007199254740993', '1.2.3-9007199254740993.1',
  '1.2.3-9007199254740993.a', '1.2.3-9007199254740992.b', '1.2.3-99999999999999999999.x',
  '1.0.0-' + long(250, 'a'), '1.0.0-' + long(251, 'a'), '1.0.0+' + long(250, 'b'),
  '1.0.0+' + long(251, 'b'), '1.0.0-' + long(249, '1'), '1.0.0-a' + long(248, '1'),
  long(256, '1') + '.0.0', '1.0.' + long(253, '0'), '1.0.' + long(252, '1'),
  '', ' ', 'x', '1.x', '*', 'latest', '1.2.3-\u00e9', '\u0661.\u0662.\u0663', '1.2.3\u0000',
  '1.2.3 1.2.4', '1.0.0-alpha.0valid', '1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay',
  '1.0.0-rc.1+build.1', '2.0.0-rc.1+build.123', '1.2.3----RC-SNAPSHOT.12.9.1--.12+788',
  '1.2.3----R-S.12.9.1--.12+meta', '1.0.0+0.build.1-rc.10000aaa-kk-0.1', '1.0.0-0A.is.legal',
  '1.1.2+.123', '+invalid', '-invalid', '-invalid+invalid', 'alpha', '9.8.7+meta+meta',
  '9.8.7-whatever+meta+meta', '1.2.3.DEV', '1.2-SNAPSHOT', '1.0.0-alpha_beta', '1.0.0-alpha..',
  '1.0-alpha', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11',
  '1.0.0-rc.1', '1.0.0-0.3.7', '1.0.0-x-y-z.--', '1.0.0+21AF26D3----117B344092BD',
  '1.2.3-a.b.c.d.e.f', '1.2.3-a.b', '1.2.3-a.b.c', '1.2.3-a.10', '1.2.3-a.9', '1.2.3-a.-1',
  '1.2.3-1a', '1.2.3-1.a', '1.2.3-a.1', '1.2.3-A', '1.2.3-Z', '1.2.3-a', '1.2.3-z', '1.2.3--1',
  '1.2.3-0.0', '1.2.3-0.1', '1.2.3-00.1', '\r\n1.2.3\r\n', '1.2.3\u3000', '1.2.3\u200b',
  '>1.2.3', '~1.2.3', '^1.2.3', '1.2.3 - 1.2.4', '1.2.3||1.2.4', 'v1', 'v1.2', '1.2.x',
]

const EDGE_RANGES = [
  // primitives
  '1.2.3', '=1.2.3', 'v1.2.3', '=v1.2.3', '==1.2.3', '>1.2.3', '>=1.2.3', '<1.2.3', '<=1.2.3',
  '> 1.2.3', '>= 1.2.3', '<  1.2.3', '<= v1.2.3', '= 1.2.3', '>=1.2.3 <2.0.0', '>=1.2.3 <2.0.0-0',
  '>= 1.2.3 < 2.0.0', '>1.2.3 <1.2.3', '>=1.2.3 <=1.2.3', '<1 >1', '>=0.0.0', '>= 0.0.0',
  '>=0.0.0-0', '<0.0.0-0', '<0.0.0', '>=1.2.3-beta.2', '<1.2.3-beta.2', '>1.2.3-beta.2 <1.2.4',
  '=1.2.3-beta', '1.2.3-beta', '1.2.3+build', '>=1.2.3+build', '1.2.3+build - 2.0.0+x',
  '<=1.2.3-rc.1 >=1.2.3-alpha', '>1.2.3-alpha <1.2.3', '>=1.2.3-0 <1.2.3',
  '>=9007199254740991.0.0', '>=9007199254740992.0.0', '<1.2.3-9007199254740993',
  // hyphen
  '1.2.3 - 2.3.4', '1.2 - 2.3.4', '1.2.3 - 2.3', '1.2.3 - 2', '1 - 2', '1.x - 2.x', '* - 2',
  '1.2.3 - *', 'x - x', '1.2.3-beta - 2.3.4-rc.1', '1.2.3 - 2.3.4-rc.1', 'v1.2.3 - v2.3.4',
  '=1.2.3 - 2', '1.2.3 -2.3.4', '1.2.3- 2.3.4', '1.2.3 - 2.3.4 - 3', '1.2.3 - 2.3.4 || 5',
  ' 1.2.3  -  2.3.4 ', '1.2.3 - 2.3.4 >3', '1.2.3\t-\t2.3.4', '1.2.3 - >2', '~1.2.3 - 2',
  '01.2.3 - 2', '1.2.3 - 2.3.4+build', '1.2.3+build - 2.3.4', '1.2.3 - 2.3.4beta',
  // x-ranges
  '*', '', ' ', 'x', 'X', 'x.x', 'x.x.x', '*.*.*', '1.x', '1.X', '1.*', '1.x.x', '1.2.x', '1.2.*',
  '1.2.X', '1', '1.2', '1.2.x-beta', '1.x.x-beta', '1.2.3.x', 'x.1', 'x.1.2', '1.x.2', '*.1',
  '>1', '>1.2', '>1.x', '>1.2.x', '>=1', '>=1.2', '>=1.x', '<1', '<1.2', '<1.x', '<=1', '<=1.2',
  '<=1.2.x', '<=1.x', '=1', '=1.x', '>*', '<*', '>=*', '<=*', '=*', '>x', '<x.x', '>= *',
  '>0.x', '<0.x', '>=0', '<=0', '>0', '<0', '<0.0.x', '1.2.3*', 'a*', '**', '* *', '*1.2.3',
  '>9007199254740990.x', '>9007199254740991.x', '>99999999999999999999999.x <2',
  '^99999999999999999999', '~9007199254740991', '^9007199254740990.9007199254740991',
  // tilde
  '~1.2.3', '~1.2', '~1', '~1.x', '~1.2.x', '~0.0.1', '~0.1', '~0', '~*', '~', '~>1.2', '~> 1.2',
  '~>1.2.3', '~ 1.2.3', '~1.2.3-beta.2', '~1.2.3-beta', '~v1.2.3', '~=1.2.3', '~>=1.2.3', '~~1.2',
  '~1.2.3 || ~2.3', '~ > 1.2', '~>  1.2', '~1.2.3beta', '~01.2.3', '~1.2.3+build',
  // caret
  '^1.2.3', '^1.2', '^1', '^1.x', '^1.2.x', '^0.1.2', '^0.1', '^0.0.1', '^0.0', '^0', '^0.x',
  '^0.0.x', '^0.1.x', '^0.0.1-beta', '^0.1.2-beta', '^1.2.3-beta.2', '^*', '^', '^ 1.2.3',
  '^v1.2.3', '^=1.2.3', '^^1.2.3', '^1.2.3 ^2', '^0.0.0', '^0.0.0-0', '^0.0', '^1.2.3+build',
  '^ 1.2 || ^ 2', '^1.2.3-pr.1', '^00.1.2',
  // sets and junk
  '1.2.3 || >=2 <3', '1.2.3 || 2.3.4', '||', '|| 1.2.3', '1.2.3 ||', '1.2.3 | 1.2.4',
  '1.2.3 |||| 2', '* || 1.0.0-beta', '1.0.0-beta || *', '<0.0.0-0 || 1.2.3', '>x || 1.0.0',
  '<* || >*', '>=1.2.3 || <1.0.0 || 1.2.3-beta', 'blerg', 'git+https://github.com/x/y',
  '>=>1', '>=1.2.3 >=>1', '>< 1', '<>1', '=>1.2.3', '=<1.2.3', '> = 1.2.3', '1.2.3 foo',
  '1.2.3-', '1.2.3-.', '1.2.3 - ', '- 1.2.3', '-', '>=1.2.3-', 'latest', 'next', 'latest || 1',
  '^1.2.3 <1.5.0-0 || ~2.0.1', '1.2.3 1.2.4', '>=1.0.0 <1.0.0-0', '\u00a0>=1.2.3\u3000',
  '>=1.2.3\n<2', 'v 1.2.3', '>v1.2.3', '>= v 1.2.3', '>=1.2.3 < v2', '+build', '+build 1.2.3',
  '1.2.3 +build', '++a', '1.2.3+a+b', '1.2.3+a +b', '>=1.2.3-alpha.0valid', '1.2.3-beta.01',
  '>=01.2.3', '>=1.2.3beta', '~1.2.3beta', '^1.2.3beta', '1.2.34.5', '>=1.2.34.5',
  '>1.2.3-0 <=1.2.3-0', '1.2.3 - 1.2.3', '>=' + long(260, '1'), '1.0.0-' + long(300, 'a'),
  '1.0.0-' + long(300, 'a') + ' || 1.0.0', '1.0.0-' + long(249, 'a') + ' || 1.0.0',
  '1.0.' + long(300, '1') + ' || 1.0.0', '\u00e9', '\u0661.\u0662', '1.2.3 \u2028 2.0.0',
  '>=1.2.7 <1.3.0', '1.2.7 || >=1.2.9 <2.0.0', '>1.2.3 <1.2.3-0', '>=1.2.3 <1.2.4-0 1.2.x',
  '>=1.0.0-alpha <1.0.0', '>=1.0.0-alpha <1.0.0-beta', '>=1.2.3-beta <1.2.3', '1.2.3-beta.2 - 1.2.3',
  '<=2.0.0-0', '<2.0.0-0', '<2.0.0', '>=2.0.0-0', '^2.0.0-0', '~2.0.0-0', '2.0.0-0 - 3',
]

// A small pool of versions to test every range against.
const PROBE_VERSIONS = [
  '0.0.0', '0.0.0-0', '0.0.1', '0.0.2-0', '0.1.2', '0.2.0', '1.0.0', '1.0.0-beta', '1.2.0',
  '1.2.3', '1.2.3-0', '1.2.3-alpha', '1.2.3-beta.2', '1.2.3-beta.11', '1.2.3-pr.2', '1.2.3+build',
  '1.2.4', '1.2.4-alpha', '1.2.9', '1.3.0', '1.3.0-0', '1.9.9', '2.0.0', '2.0.0-0', '2.0.0-rc.1',
  '2.3.4', '2.3.4-rc.1', '2.3.5', '3.0.0-beta', '10.0.0', '9007199254740991.0.0', 'v1.2.3',
  '1.2', '1.2.3beta',
]

// Fuzz: random strings over the tokens that matter to the grammar.
const FUZZ_TOKENS = [
  '0', '1', '2', '9', '01', '10', '00', 'x', 'X', '*', '.', '.', '.', '-', '+', '~', '^', '<', '>',
  '=', 'v', ' ', ' ', '  ', '||', 'a', 'beta', 'rc', '|', '\t', '_', '1.2.3', '1.2', '0.0', '-0',
  ' - ', '>=', '<=', '~>', '9007199254740991', '99999999999999999999', '1.2.3-beta.1', '2.x',
  '\u00a0', 'B', '0a', '-1',
]
const fuzz = (n) => {
  let s = ''
  const len = 1 + Math.floor(rand() * n)
  for (let i = 0; i < len; i++) {
    s += pick(FUZZ_TOKENS)
  }
  return s
}
const FUZZ_VERSIONS = []
const FUZZ_RANGES = []
for (let i = 0; i < 1000; i++) {
  FUZZ_VERSIONS.push(fuzz(6))
}
for (let i = 0; i < 3000; i++) {
  FUZZ_RANGES.push(fuzz(9))
}

// ---- reference wrappers ---------------------------------------------------------------------

const valid = (s, opts) => semver.valid(s, opts) !== null
const cmp = (a, b, opts) => {
  if (!valid(a, opts) || !valid(b, opts)) {
    return 'error'
  }
  return semver.compare(a, b, opts)
}
const rangeOk = (r, opts) => {
  try {
    return new semver.Range(r, opts)
  } catch (e) {
    return null
  }
}
const sat = (v, r, opts) => {
  if (!rangeOk(r, opts) || !valid(v, opts)) {
    return 'error'
  }
  return semver.satisfies(v, r, opts)
}

// semver's comparePre answers at the first identifiers that differ as text; when those are two
// distinct digit strings that JS rounds to the same double (>= MAX_SAFE_INTEGER), it answers 0
// even if later identifiers differ. That is not a total order (x = y, y = z, x < z), so no
// total order can agree with it on such pairs: they are not emitted (see src/npm.rs docs).
const isDigits = (p) => typeof p === 'string' && /^[0-9]+$/.test(p)
const nonTotal = (x, y) => {
  if (!x || !y || x.compareMain(y) !== 0) {
    return false
  }
  const n = Math.max(x.prerelease.length, y.prerelease.length)
  for (let i = 0; i < n; i++) {
    const p = x.prerelease[i]
    const q = y.prerelease[i]
    if (p === q) {
      continue
    }
    return isDigits(p) && isDigits(q) && +p === +q && i + 1 < n
  }
  return false
}
const skip = (o, opts) => {
  if (o.kind === 'compare') {
    return nonTotal(semver.parse(o.a, opts), semver.parse(o.b, opts))
  }
  if (o.kind === 'satisfies' && o.expect !== 'error') {
    const v = semver.parse(o.version, opts)
    return new semver.Range(o.range, opts).set.flat()
      .some((c) => c.semver !== semver.Comparator.ANY && nonTotal(v, c.semver))
  }
  return false
}

// ---- generation -----------------------------------------------------------------------------

const uniq = (a) => [...new Set(a)]
let skipped = 0

function generate (opts) {
  const loose = !!(opts && opts.loose)
  const lines = new Set()
  const add = (o) => {
    if (skip(o, opts)) {
      skipped++
    } else {
      lines.add(JSON.stringify(o))
    }
  }

  const allHistory = uniq(histories.flat())
  const versionInputs = loose
    ? uniq([...EDGE_VERSIONS, ...FUZZ_VERSIONS, ...PROBE_VERSIONS])
    : uniq([...allHistory, ...EDGE_VERSIONS, ...FUZZ_VERSIONS, ...PROBE_VERSIONS])
  for (const s of versionInputs) {
    add({ kind: 'parse', input: s, expect: valid(s, opts) })
  }

  if (!loose) {
    // Adjacent pairs of each sorted history (both directions alternate) + random cross pairs.
    for (const h of histories) {
      const sorted = h.filter((v) => valid(v)).sort((a, b) => semver.compare(a, b))
      for (let i = 1; i < sorted.length; i++) {
        const [a, b] = i % 2 ? [sorted[i - 1], sorted[i]] : [sorted[i], sorted[i - 1]]
        add({ kind: 'compare', a, b, expect: cmp(a, b) })
      }
    }
    for (let i = 0; i < 1500; i++) {
      const a = pick(pick(histories))
      const b = pick(pick(histories))
      add({ kind: 'compare', a, b, expect: cmp(a, b) })
    }
  }
  const edgeValid = uniq([...EDGE_VERSIONS, ...PROBE_VERSIONS]).filter((v) => valid(v, opts))
  const edgeInvalid = EDGE_VERSIONS.filter((v) => !valid(v, opts))
  // Edge versions: neighbours in sorted order (and equal ones), plus random pairs.
  const edgeSorted = edgeValid.slice().sort((a, b) => semver.compare(a, b, opts))
  for (let i = 1; i < edgeSorted.length; i++) {
    const a = edgeSorted[i - 1]
    const b = edgeSorted[i]
    add({ kind: 'compare', a, b, expect: cmp(a, b, opts) })
    add({ kind: 'compare', a: b, b: a, expect: cmp(b, a, opts) })
  }
  for (let i = 0; i < 1000; i++) {
    const a = pick(edgeValid)
    const b = pick(edgeValid)
    add({ kind: 'compare', a, b, expect: cmp(a, b, opts) })
  }
  for (const a of edgeInvalid.slice(0, 20)) {
    add({ kind: 'compare', a, b: '1.2.3', expect: cmp(a, '1.2.3', opts) })
  }
  for (let i = 0; i < 500; i++) {
    const a = pick(FUZZ_VERSIONS)
    const b = pick(edgeValid)
    add({ kind: 'compare', a, b, expect: cmp(a, b, opts) })
  }

  // Every edge range against every probe version.
  for (const r of EDGE_RANGES) {
    for (const v of PROBE_VERSIONS) {
      add({ kind: 'satisfies', version: v, range: r, expect: sat(v, r, opts) })
    }
  }
  // Fuzz ranges against a few probes each.
  for (const r of FUZZ_RANGES) {
    for (let k = 0; k < (loose ? 2 : 1); k++) {
      const v = pick(PROBE_VERSIONS)
      add({ kind: 'satisfies', version: v, range: r, expect: sat(v, r, opts) })
    }
  }
  if (!loose) {
    // Real ranges as packages write them, against real versions.
    const real = []
    for (const h of histories) {
      const good = h.filter((v) => valid(v))
      for (let i = 0; i < 8; i++) {
        const v = semver.parse(pick(good))
        real.push(`^${v.version}`, `~${v.major}.${v.minor}`, `>=${v.major}.${v.minor}.0 <${v.major + 1}`,
          `${v.major}.x`, `${v.major}.${v.minor}.${v.patch} - ${v.major + 1}`,
          `^${v.major}.${v.minor}.${v.patch}-0`, `>${v.version}`)
      }
      for (const r of real.splice(0)) {
        for (let k = 0; k < 3; k++) {
          const v = pick(h)
          add({ kind: 'satisfies', version: v, range: r, expect: sat(v, r) })
        }
      }
    }
  } else {
    // Extra kinds checked only by tests/npm_loose.rs: normalized output in both modes.
    for (const m of [false, true]) {
      const o = m ? LOOSE : undefined
      for (const s of uniq([...EDGE_VERSIONS, ...FUZZ_VERSIONS.slice(0, 800)])) {
        add({ kind: 'valid', input: s, loose: m, expect: semver.valid(s, o) })
      }
      for (const r of uniq([...EDGE_RANGES, ...FUZZ_RANGES.slice(0, 1500)])) {
        const x = rangeOk(r, o)
        add({ kind: 'range', range: r, loose: m, expect: x ? x.range : 'error' })
      }
    }
  }
  return [...lines].sort().join('\n') + '\n'
}

const out = path.join(__dirname, '..')
const strict = generate(undefined)
const loose = generate(LOOSE)
fs.writeFileSync(path.join(out, 'npm.jsonl'), strict)
fs.writeFileSync(path.join(out, 'npm-loose.jsonl'), loose)
console.log(`skipped ${skipped} pairs where semver's order is not total`)
console.log(`npm.jsonl: ${strict.split('\n').length - 1} cases, npm-loose.jsonl: ${loose.split('\n').length - 1} cases (semver ${require('semver/package.json').version})`)
