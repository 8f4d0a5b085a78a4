// Go's answers for the acrctl RE2 cross-check (see crosscheck.mjs): reads JSON lines
// {"p": pattern, "s": [subjects]} on stdin and writes, per line, {"ok": true, "m": [...], "w": [...]}
// (MatchString, and whole-string match) or {"ok": false, "err": "<Go's error text>"}.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
)

type request struct {
	P string   `json:"p"`
	S []string `json:"s"`
}

type answer struct {
	Ok  bool   `json:"ok"`
	Err string `json:"err,omitempty"`
	M   []bool `json:"m,omitempty"`
	W   []bool `json:"w,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			panic(err)
		}
		re, err := regexp.Compile(r.P)
		if err != nil {
			enc.Encode(answer{Err: strings.TrimPrefix(err.Error(), "error parsing regexp: ")})
			continue
		}
		// Leftmost-longest finds a match spanning the whole string whenever one exists.
		longest := re.Copy()
		longest.Longest()
		a := answer{Ok: true, M: make([]bool, len(r.S)), W: make([]bool, len(r.S))}
		for i, s := range r.S {
			a.M[i] = re.MatchString(s)
			loc := longest.FindStringIndex(s)
			a.W[i] = loc != nil && loc[0] == 0 && loc[1] == len(s)
		}
		enc.Encode(a)
	}
}
