// Generates tests/vectors/maven.jsonl from Maven's own maven-artifact jar (see README-jvm.md).
//
// Input: maven-versions.txt — sections `@history NAME` (a real release history), `@edge`
// (hand-written version strings), `@range` (range specs). `#` starts a comment line; `\\uXXXX`
// and `\\\\` are unescaped so whitespace and control characters can be written.
// Output (stdout): one JSON case per line, deterministic.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.maven.artifact.versioning.*;

public class Maven {
    // polyver's validity rule (mirrored by maven.rs): non-empty, no White_Space, no Cc.
    static boolean valid(String s) {
        if (s.isEmpty()) return false;
        return s.codePoints().noneMatch(cp -> Character.isISOControl(cp)
                || Character.isSpaceChar(cp) || Character.isWhitespace(cp));
    }

    static int cmp(String a, String b) {
        return Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b)));
    }

    // null = error: the reference throws, the spec is empty, or a version in it breaks the rule.
    static VersionRange range(String spec) {
        if (spec.isEmpty()) return null;
        VersionRange r;
        try {
            r = VersionRange.createFromVersionSpec(spec);
        } catch (InvalidVersionSpecificationException e) {
            return null;
        }
        if (r.getRecommendedVersion() != null && !valid(r.getRecommendedVersion().toString()))
            return null;
        for (Restriction x : r.getRestrictions()) {
            if (x.getLowerBound() != null && !valid(x.getLowerBound().toString())) return null;
            if (x.getUpperBound() != null && !valid(x.getUpperBound().toString())) return null;
        }
        return r;
    }

    static String satisfies(String v, String spec) {
        if (!valid(v)) return "\"error\"";
        VersionRange r = range(spec);
        if (r == null) return "\"error\"";
        return String.valueOf(r.containsVersion(new DefaultArtifactVersion(v)));
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c >= 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                b.append('\\');
                i++;
            } else if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else b.append(c);
        }
        return b.toString();
    }

    static final LinkedHashSet<String> out = new LinkedHashSet<>();

    static void compare(String a, String b) {
        String e = valid(a) && valid(b) ? String.valueOf(cmp(a, b)) : "\"error\"";
        out.add("{\"kind\":\"compare\",\"a\":" + json(a) + ",\"b\":" + json(b) + ",\"expect\":" + e + "}");
    }

    static void sat(String v, String r) {
        out.add("{\"kind\":\"satisfies\",\"version\":" + json(v) + ",\"range\":" + json(r)
                + ",\"expect\":" + satisfies(v, r) + "}");
    }

    public static void main(String[] args) throws IOException {
        Map<String, List<String>> histories = new LinkedHashMap<>();
        List<String> edge = new ArrayList<>(), ranges = new ArrayList<>();
        List<String> cur = edge;
        for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("@history ")) {
                cur = histories.computeIfAbsent(line.substring(9).trim(), k -> new ArrayList<>());
            } else if (line.equals("@edge")) cur = edge;
            else if (line.equals("@range")) cur = ranges;
            else cur.add(unescape(line));
        }
        LinkedHashSet<String> all = new LinkedHashSet<>();
        histories.values().forEach(all::addAll);
        all.addAll(edge);
        List<String> pool = new ArrayList<>();
        for (String s : all) if (valid(s)) pool.add(s);

        // parse: every string.
        for (String s : all)
            out.add("{\"kind\":\"parse\",\"input\":" + json(s) + ",\"expect\":" + valid(s) + "}");

        // compare: each history as listed and sorted by the reference (adjacent pairs).
        for (List<String> h : histories.values()) {
            List<String> vs = new ArrayList<>();
            for (String s : h) if (valid(s)) vs.add(s);
            for (int i = 0; i + 1 < vs.size(); i++) compare(vs.get(i), vs.get(i + 1));
            vs.sort((a, b) -> cmp(a, b));
            for (int i = 0; i + 1 < vs.size(); i++) {
                compare(vs.get(i), vs.get(i + 1));
                compare(vs.get(i + 1), vs.get(i));
            }
        }
        // compare: all pairs of edge cases (invalid ones give "error").
        for (int i = 0; i < edge.size(); i++)
            for (int j = i + 1; j < edge.size(); j++) compare(edge.get(i), edge.get(j));
        // compare: seeded random pairs over everything.
        Random rnd = new Random(20240601L);
        for (int i = 0; i < 4000; i++)
            compare(pool.get(rnd.nextInt(pool.size())), pool.get(rnd.nextInt(pool.size())));

        // satisfies: each written range against its own bounds, edge versions and random ones.
        List<String> probes = new ArrayList<>();
        for (String s : edge) if (valid(s) && s.length() < 24) probes.add(s);
        for (String spec : ranges) {
            VersionRange r = range(spec);
            if (r == null) {
                sat("1.0", spec);
                sat("1.5", spec);
                continue;
            }
            for (Restriction x : r.getRestrictions()) {
                for (ArtifactVersion b : new ArtifactVersion[] {x.getLowerBound(), x.getUpperBound()}) {
                    if (b == null) continue;
                    String s = b.toString();
                    for (String p : new String[] {s, s + "-SNAPSHOT", s + ".1", s + "-alpha-1", s + "-sp",
                            s + ".0", "0." + s, s + "-1"})
                        sat(p, spec);
                }
            }
            for (String p : probes) sat(p, spec);
            for (int i = 0; i < 10; i++) sat(pool.get(rnd.nextInt(pool.size())), spec);
        }
        // satisfies: generated ranges over random real bounds.
        String[][] shapes = {{"[", ",", ")"}, {"(", ",", "]"}, {"[", ",", "]"}, {"(", ",", ")"}};
        for (int i = 0; i < 1500; i++) {
            String a = pool.get(rnd.nextInt(pool.size())), b = pool.get(rnd.nextInt(pool.size()));
            if (cmp(a, b) > 0) { String t = a; a = b; b = t; }
            String spec;
            switch (rnd.nextInt(6)) {
                case 0: spec = "[" + a + "]"; break;
                case 1: spec = "(," + b + "]"; break;
                case 2: spec = "[" + a + ",)"; break;
                case 3: spec = a; break;
                case 4: spec = "(," + a + "),(" + b + ",)"; break;
                default: String[] sh = shapes[rnd.nextInt(4)]; spec = sh[0] + a + sh[1] + b + sh[2];
            }
            for (int k = 0; k < 4; k++) sat(pool.get(rnd.nextInt(pool.size())), spec);
            sat(a, spec);
            sat(b, spec);
        }

        PrintStream ps = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
        for (String l : out) ps.println(l);
        ps.flush();
    }
}
