#!/usr/bin/env ruby
# Differential vectors for polyver's rubygems scheme, answered by RubyGems itself.
#
#   ruby rubygems.rb --refresh   # rebuild rubygems-versions.txt (gem list --all, apt-cache, KNOWN)
#   ruby rubygems.rb             # write ../rubygems.jsonl (offline)
#
#   parse     -> Gem::Version.correct?(s)
#   compare   -> Gem::Version.new(a) <=> Gem::Version.new(b) ("error" on ArgumentError)
#   satisfies -> Gem::Requirement.new(*parts).satisfied_by?(Gem::Version.new(v)), where parts is
#                the range split on "," (keeping empty parts) and a blank range gives no parts,
#                as polyver's parser does; ArgumentError / BadRequirementError -> "error".
require "json"

HERE = __dir__
LIST = File.join(HERE, "rubygems-versions.txt")
OUT = ENV.fetch("OUT", File.join(HERE, "..", "rubygems.jsonl"))
SEED = 20240601
FUZZ = Integer(ENV.fetch("FUZZ", "600")) # random strings over a version-ish alphabet

# Release histories of well-known gems (rails, nokogiri, rack, puma, bundler, ...), written down
# because rubygems.org is not reachable from the generator's machine.
KNOWN = %w[
  8.0.1 8.0.0 8.0.0.rc2 8.0.0.rc1 8.0.0.beta1 7.2.2 7.2.1.2 7.2.1 7.2.0 7.2.0.rc1 7.2.0.beta2
  7.2.0.beta1 7.1.5 7.1.4.2 7.1.3.4 7.1.3.2 7.1.3 7.1.2 7.1.1 7.1.0 7.1.0.rc2 7.1.0.rc1
  7.1.0.beta1 7.0.8.6 7.0.8.4 7.0.8.1 7.0.8 7.0.7.2 7.0.7 7.0.6 7.0.5.1 7.0.5 7.0.4.3 7.0.4
  7.0.3.1 7.0.3 7.0.2.4 7.0.2 7.0.1 7.0.0 7.0.0.rc3 7.0.0.rc2 7.0.0.rc1 7.0.0.alpha2 7.0.0.alpha1
  6.1.7.10 6.1.7.8 6.1.7 6.1.4.1 6.1.0 6.1.0.rc2 6.1.0.rc1 6.0.6.1 6.0.0 6.0.0.rc2 6.0.0.rc1
  6.0.0.beta3 6.0.0.beta1 5.2.8.1 5.2.4.3 5.2.0 5.2.0.rc2 5.2.0.beta2 5.1.7 5.1.0.rc1 5.0.7.2
  5.0.0 5.0.0.rc2 5.0.0.beta4 5.0.0.beta1 5.0.0.racecar1 4.2.11.3 4.2.11 4.2.0 4.2.0.rc3
  4.2.0.beta4 4.1.16 4.0.13 4.0.0.rc1 4.0.0.beta1 3.2.22.5 3.2.0 3.1.12 3.0.20 3.0.0.rc2
  3.0.0.beta4 2.3.18 2.3.2.1 2.0.0 1.2.6 1.0.0 0.14.4 0.9.5 0.8.0
  1.16.7 1.16.5 1.16.2 1.16.0 1.16.0.rc1 1.15.6 1.15.0 1.15.0.rc1 1.14.5 1.14.0.rc1 1.13.10
  1.13.0 1.13.0.rc1 1.12.5 1.12.0.rc1 1.11.7 1.11.0 1.11.0.rc4 1.11.0.rc1 1.10.10 1.10.0 1.9.1
  1.8.5 1.8.0 1.7.0.1 1.7.0 1.6.8.1 1.6.8 1.6.0.rc1 1.5.11 1.5.0.beta.4 1.5.0.beta.1 1.4.7
  1.4.0 1.3.3 1.0.0
  3.1.8 3.1.7 3.1.0 3.0.11 3.0.0 3.0.0.rc1 3.0.0.beta1 2.2.10 2.2.9 2.2.3.1 2.2.0 2.1.4.4
  2.1.0 2.0.9.4 2.0.0 2.0.0.rc1 2.0.0.alpha 1.6.13 1.6.0 1.6.0.beta2 1.5.5 1.4.7 1.0.1 1.0.0
  0.9.1 0.4 0.3 0.1.0
  6.4.3 6.4.2 6.4.0 6.0.0 5.6.9 5.6.8 5.0.0 5.0.0.beta2 5.0.0.beta1 4.3.12 4.0.0 3.12.6
  3.0.0.rc1 3.0.0.beta 2.16.0 2.0.0.b7 1.6.3 0.8.2
  2.5.23 2.5.11 2.5.0 2.4.22 2.4.0 2.3.7 2.2.0.rc.2 2.2.0.rc.1 2.0.0.pre.3 2.0.0.pre.1 1.17.3
  1.17.0.pre.2 1.0.0.rc.6 1.0.0.beta.5 0.9.26 3.5.0.dev 3.4.0.dev 3.3.15 3.0.0.beta1
  4.0.0.alpha.1 3.3.0.alpha.3 3.7.4 4.0.0.beta.1 1.0.0.pre 0.4.0.pre 5.0.0.pre 2.0.0-rc1
  0.0.1-alpha 1.0.0-beta.2 2012.08.21 0.0.0.1 1.2.3.4.5 20.10.0 2.0.0.pre.rc1
]

EDGE_VERSIONS = [
  "", " ", "0", "00", "0.0", "0.0.0", "1", "01", "1.0", "1.00", "1.0.0", "1.0.0.0", "1.0a",
  "1.0.a", "1.a", "1.A", "1.0.A", "1.0.Z", "1.0.z", "1.0.b", "1.0.rc1", "1.0.rc.1", "1.0.RC1",
  "1.0.pre", "1.0.pre1", "1.0.beta3", "1.0.alpha", "1.0.0.a.0", "1.0-1", "1.0-rc1",
  "1.0-beta-1", "1--", "1-a-b", "1.0-a.b", "1.0-a..b", "1.0-.a", "1.0-a.", "1a", "1.", "1..0",
  "1.0-", "1.-1", "a", "v1.0", ".1", "1 .0", "1. 0", " 1.0 ", "\t1.0\n", "\v1", "1\v", "1\f",
  "\r1", "1\u00a0", "\u30001", "1\u0000", "1.0\n2", "1,0", "1.0_1", "1.0+1", "1.0~1", "-1",
  "1.0.0-pre", "1.0.0.pre", "2.0.0.pre.1", "9", "10", "1.99999999999999999999999",
  "1.100000000000000000000000", "18446744073709551616", "1.18446744073709551615.0",
  "1.0.0.1", "1.0.0.a1", "1.0.a1", "1.0.1a", "1.1.a", "1.b", "1.0.0.b", "0.a", "0.0.a",
  "1.2.3.4.5.6.7", "1.0a1b2", "1.0.abc", "1.0.ab", "1.0.aa", "1.0.B", "1.0.0.A", "0.pre",
  "1.a.0", "1.a.0.0", "1.a.1", "1.a.b", "1.0.0.a.b.0", "1.2.a", "1.2", "1.3", "1.3.a", "2",
  "2.0", "2.0.a", "2.a", "1.9.9", "1.2.3", "1.2.3.rc1", "1.2.4", "1.3.0.a", "0.1", "0.0.1",
  "1-1", "1.0.pre.1", "1ä", "1.0.ä", "=1", ">= 1", "1.0.0.pre.rc1",
]

EDGE_RANGES = [
  "", " ", ">= 0", ">=0", ">= 0.a", "= 1.0", "=1.0", "1.0", " 1.0 ", "!= 1.0", "> 1.0",
  "< 1.0", ">= 1.0", "<= 1.0", "~> 1", "~> 1.0", "~> 1.2", "~> 1.2.3", "~> 1.2.3.4",
  "~> 1.2.a", "~> 1.2.3.rc1", "~> 1.0.0.a", "~> 0", "~> 0.0", "~> 0.1", "~> 1.9", "~> 9.9",
  "~> 1.99", "~> 01.02", "~>1.0", "~> 1.0-rc1", ">= 1.0, < 2.0", ">= 1.0,< 2.0",
  "~> 1.2, >= 1.2.3", "~> 1.2, != 1.2.5", "> 1, < 1", ">= 1.0.a", "< 2.a", "< 2",
  "<= 2.0.0.a", "= 1.0.0", "!= 1", "> 1.a", "~> 2.0.0.beta", ">= 1.0\n", "\t~>\t1.0",
  ">= 1.0, >= 1.0", "= 1.99999999999999999999999", "~> 18446744073709551615",
  "~> 1.18446744073709551615.0", "~> 1.2.0", "~> 1.3.a", "~> 2.0.a", "< 1.3", "< 1.3.a",
  "= 1", "=1.0.0.0", "> 0", "~> 0.0.1", "~> 1.0.0.0.0",
  ",", " , ", "1.0,", ",1.0", ">= 1.0,,< 2", "=> 1", "=< 1", "==1", "=", ">=", "~>", "~ 1",
  "~>> 1", "> = 1", "<> 1", "1a", ">= 1.", ">= 1.0-", ">= a", "!1", ">= 1 2",
  ">= 1.0 | < 2", "1.0 || 2.0", "^1.0", "*", ">= v1.0", "~> 1.0 ,", ">=\u00a01", "! = 1",
  "~>1.0.", ">= 1.0\u0000", "~> ", "< 1.0, ", "=\n1.0",
]

def version_or_nil(s)
  Gem::Version.new(s)
rescue ArgumentError
  nil
end

def requirement_or_nil(range)
  parts = range =~ /\A\s*\z/ ? [] : range.split(",", -1)
  Gem::Requirement.new(*parts)
rescue ArgumentError
  nil
end

def refresh
  gems = `gem list --all`.lines.flat_map do |l|
    inner = l[/\((.*)\)/, 1] or next []
    inner.split(",").map { |v| v.sub("default:", "").strip }
  end
  deb = []
  pkg = nil
  `apt-cache dumpavail`.each_line do |l|
    pkg = l.split(" ", 2)[1].strip if l.start_with?("Package: ")
    next unless l.start_with?("Version: ") && pkg&.start_with?("ruby-")
    v = l.split(" ", 2)[1].strip
    v = v.split(":", 2)[1] if v.include?(":")
    v = v.rpartition("-")[0] if v.include?("-")
    deb << v
  end
  all = (gems + deb + KNOWN).reject(&:empty?).uniq.sort
  File.write(LIST, all.map { |v| "#{v}\n" }.join)
  puts "#{gems.uniq.size} gem versions, #{deb.uniq.size} Debian ruby-* upstreams, " \
       "#{KNOWN.size} known -> #{all.size} in #{LIST}"
end

def main
  refresh if ARGV.include?("--refresh")
  puts "reference: ruby #{RUBY_VERSION}p#{RUBY_PATCHLEVEL}, rubygems #{Gem::VERSION}"
  rng = Random.new(SEED)
  real = File.readlines(LIST, chomp: true).reject(&:empty?)
  cases = []
  fuzz_rng = Random.new(SEED + 1)
  fuzz = Array.new(FUZZ) do
    Array.new(1 + fuzz_rng.rand(8)) { "0123456789..--aZz \t~+_".chars[fuzz_rng.rand(22)] }.join
  end
  fuzz_ranges = Array.new(FUZZ) do
    Array.new(1 + fuzz_rng.rand(12)) { "019..-a ~>=<!,, ".chars[fuzz_rng.rand(16)] }.join
  end
  inputs = (real + EDGE_VERSIONS + fuzz).uniq
  inputs.each { |v| cases << { kind: "parse", input: v, expect: Gem::Version.correct?(v) } }

  vers = {}
  inputs.each { |v| vers[v] = version_or_nil(v) }
  good_real = real.select { |v| vers[v] }.sort { |a, b| (vers[a] <=> vers[b]).nonzero? || a <=> b }
  good_edge = EDGE_VERSIONS.select { |v| vers[v] }
  bad_edge = EDGE_VERSIONS.reject { |v| vers[v] }
  pairs = good_real.each_cons(2).to_a
  3000.times { pairs << [good_real[rng.rand(good_real.size)], good_real[rng.rand(good_real.size)]] }
  good_edge.each_with_index { |a, i| good_edge[i..].each { |b| pairs << [a, b] } }
  good_edge.each { |e| pairs << [e, good_real[rng.rand(good_real.size)]] }
  pairs.uniq.each { |a, b| cases << { kind: "compare", a: a, b: b, expect: vers[a] <=> vers[b] } }
  bad_edge.each do |e|
    cases << { kind: "compare", a: e, b: "1.0", expect: "error" }
    cases << { kind: "compare", a: "1.0", b: e, expect: "error" }
  end

  ops = ["=", "!=", ">", "<", ">=", "<=", "~>", "~>", ""]
  pool = good_real + good_edge.reject { |v| v.strip.empty? }
  ranges = EDGE_RANGES + fuzz_ranges
  500.times do
    parts = Array.new(1 + rng.rand(3)) do
      op = ops[rng.rand(ops.size)]
      v = pool[rng.rand(pool.size)].strip
      [" ", "", "  "][rng.rand(3)] + op + [" ", ""][rng.rand(2)] + v
    end
    ranges << parts.join([",", ", "][rng.rand(2)])
  end
  probe = good_edge + Array.new(40) { good_real[rng.rand(good_real.size)] } + bad_edge.first(10)
  ranges.uniq.each do |r|
    req = requirement_or_nil(r)
    vs = if EDGE_RANGES.include?(r)
           probe
         else
           Array.new(6) { good_real[rng.rand(good_real.size)] } +
             Array.new(4) { good_edge[rng.rand(good_edge.size)] }
         end
    # Versions near each requirement's bounds (and its bump) are where the rules differ.
    if req
      req.requirements.each do |_, rv|
        vs += [rv.to_s, rv.bump.to_s, "#{rv.bump}.a", rv.release.to_s, "#{rv}.1", "#{rv}.a"]
      end
    end
    vs.uniq.each do |v|
      ver = vers.key?(v) ? vers[v] : (vers[v] = version_or_nil(v))
      exp = req && ver ? req.satisfied_by?(ver) : "error"
      cases << { kind: "satisfies", version: v, range: r, expect: exp }
    end
  end

  File.write(OUT, cases.map { |c| JSON.generate(c) + "\n" }.join)
  counts = cases.group_by { |c| c[:kind] }.transform_values(&:size)
  puts "#{cases.size} vectors -> #{OUT}: #{counts}"
end

main
