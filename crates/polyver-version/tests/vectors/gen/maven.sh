#!/bin/sh
# Regenerates ../maven.jsonl from Maven's maven-artifact jar (Debian's `maven` package, 3.8.7).
# Usage: tests/vectors/gen/maven.sh   (needs java + javac; works offline)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lib=${MAVEN_LIB:-/usr/share/maven/lib}
jar=$lib/maven-artifact-3.x.jar
cp="$jar:$lib/commons-lang3.jar"
unzip -p "$jar" META-INF/maven/org.apache.maven/maven-artifact/pom.properties | grep '^version=' >&2
javac -d "$here" -cp "$cp" "$here/Maven.java"
java -cp "$cp:$here" Maven "$here/maven-versions.txt" > "$here/../maven.jsonl"
wc -l "$here/../maven.jsonl" >&2
