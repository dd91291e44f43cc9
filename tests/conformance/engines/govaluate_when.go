// govaluate_when: evaluates Argo `when` conditions the way the Argo workflow controller does.
//
// Input, one JSON object a line on stdin: {"expr": "<the when text, after {{...}} substitution>"}
// Output, one JSON object a line on stdout, in order: {"result": true|false} or {"error": "..."}.
//
// The evaluation mirrors shouldExecute in argo-workflows workflow/controller/steps.go (used for
// steps and DAG tasks alike, dag.go): govaluate.NewEvaluableExpression, every VARIABLE token turned
// into a STRING token (so an unquoted word is the string of its own name, never an error),
// govaluate.NewEvaluableExpressionFromTokens, Evaluate(nil), and an error for a non-boolean
// result. Argo pins Knetic/govaluate 7625b7f (2025), whose code is the same as 9aa4983 (2017),
// the version Debian's golang-github-knetic-govaluate-dev packages.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/Knetic/govaluate"
)

// shouldExecute is Argo's function, with Argo's error texts (less the error codes).
func shouldExecute(when string) (bool, error) {
	if when == "" {
		return true, nil
	}
	expression, err := govaluate.NewEvaluableExpression(when)
	if err != nil {
		if strings.Contains(err.Error(), "Invalid token") {
			return false, fmt.Errorf("Invalid 'when' expression '%s': %v (hint: try wrapping the "+
				"affected expression in quotes (\"))", when, err)
		}
		return false, fmt.Errorf("Invalid 'when' expression '%s': %v", when, err)
	}
	tokens := expression.Tokens()
	for i, tok := range tokens {
		if tok.Kind == govaluate.VARIABLE {
			tok.Kind = govaluate.STRING
			tokens[i] = tok
		}
	}
	expression, err = govaluate.NewEvaluableExpressionFromTokens(tokens)
	if err != nil {
		return false, fmt.Errorf("Failed to parse 'when' expression '%s': %v", when, err)
	}
	result, err := expression.Evaluate(nil)
	if err != nil {
		return false, fmt.Errorf("Failed to evaluate 'when' expresion '%s': %v", when, err)
	}
	boolRes, ok := result.(bool)
	if !ok {
		return false, fmt.Errorf("Expected boolean evaluation for '%s'. Got %v", when, result)
	}
	return boolRes, nil
}

// evaluate turns a panic inside govaluate into an error (the controller would crash instead).
func evaluate(when string) (result bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("govaluate panicked on '%s': %v", when, r)
		}
	}()
	return shouldExecute(when)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req struct {
			Expr *string `json:"expr"`
		}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil || req.Expr == nil {
			_ = enc.Encode(map[string]any{
				"error": fmt.Sprintf("bad request line (want {\"expr\": \"...\"}): %s", in.Text())})
			continue
		}
		if result, err := evaluate(*req.Expr); err != nil {
			_ = enc.Encode(map[string]any{"error": err.Error()})
		} else {
			_ = enc.Encode(map[string]any{"result": result})
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "govaluate_when:", err)
		os.Exit(1)
	}
}
