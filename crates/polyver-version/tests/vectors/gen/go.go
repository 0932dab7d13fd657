// Generates ../go.jsonl from golang.org/x/mod/semver, the reference the go command uses.
// Run through go.sh (GOPATH mode against Debian's golang-golang-x-mod-dev).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"

	"golang.org/x/mod/semver"
)

func read(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		out = append(out, line)
	}
	return out
}

func emit(w *bufio.Writer, m map[string]interface{}) {
	b, _ := json.Marshal(m)
	w.Write(b)
	w.WriteString("\n")
}

func main() {
	real := read("go-versions.txt")
	edge := read("go-edge.txt")
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	all := append(append([]string{}, real...), edge...)
	for _, v := range all {
		emit(w, map[string]interface{}{"kind": "parse", "input": v, "expect": semver.IsValid(v)})
	}
	cmp := func(a, b string) {
		var expect interface{} = "error"
		if semver.IsValid(a) && semver.IsValid(b) {
			expect = semver.Compare(a, b)
		}
		emit(w, map[string]interface{}{"kind": "compare", "a": a, "b": b, "expect": expect})
	}
	var valid []string
	for _, v := range real {
		if semver.IsValid(v) {
			valid = append(valid, v)
		}
	}
	sort.SliceStable(valid, func(i, j int) bool { return semver.Compare(valid[i], valid[j]) < 0 })
	for i := 1; i < len(valid); i++ {
		cmp(valid[i-1], valid[i])
	}
	rng := rand.New(rand.NewSource(440))
	for i := 0; i < 3000; i++ {
		cmp(real[rng.Intn(len(real))], real[rng.Intn(len(real))])
	}
	for _, a := range edge {
		for _, b := range edge {
			cmp(a, b)
		}
	}
	// Comparator ranges: polyver's `>=A, <B` grammar evaluated with the reference order.
	for i := 0; i < 3000; i++ {
		lo, hi := valid[rng.Intn(len(valid))], valid[rng.Intn(len(valid))]
		if semver.Compare(lo, hi) > 0 {
			lo, hi = hi, lo
		}
		v := all[rng.Intn(len(all))]
		var expect interface{} = "error"
		if semver.IsValid(v) {
			expect = semver.Compare(v, lo) >= 0 && semver.Compare(v, hi) < 0
		}
		emit(w, map[string]interface{}{"kind": "satisfies", "version": v, "range": fmt.Sprintf(">=%s, <%s", lo, hi), "expect": expect})
	}
}
