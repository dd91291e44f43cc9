// expr_depends: evaluates what Argo hands to the expr library: DAG `depends` logic, expression
// tags ({{=...}}), and the {{...}} substitution of a `when` string that precedes govaluate.
//
// Input, one JSON object a line on stdin; output, one JSON object a line on stdout, in order.
//
//	{"depends": "A && (B.Failed || c-d)", "tasks": {"A": "Succeeded", "B": {"phase": "Failed"}, ...}}
//	    -> {"result": true|false} or {"error": "..."}
//	  A task is a phase name (Succeeded, Failed, Error, Skipped, Omitted, Running, Pending) or an
//	  object {"phase": P, "continueOn": {"failed": bool, "error": bool}, "daemoned": bool,
//	  "children": [P, ...]} (children: the phases of a task group's items, for AnySucceeded and
//	  AllFailed; continueOn: what a bare task name expands to).
//	{"tag": "string(x) in ...", "env": {"workflow.parameters.x": "1", ...}}
//	    -> {"result": "<text put in place of the tag>", "value": <the expression's value>},
//	       {"unresolved": true, "result": "{{=...}}"} (Argo leaves the tag as it is),
//	       or {"error": "..."}
//	{"template": "'{{tasks.a.outputs.parameters.x}}' == 'y'",
//	 "values": {"tasks.a.outputs.parameters.x": "y"}}
//	    -> {"result": "<the when text govaluate gets>"} or {"error": "..."}
//
// Argo uses github.com/expr-lang/expr v1.17; Debian packages its predecessor
// github.com/antonmedv/expr 1.8.9, the same language for what ctp emits (&&, ||, !, member and
// index access, `in`, map() with a {#} closure). Argo's env functions (util/expr/env) are
// defined here the way Argo defines them, and expr v1.17's builtins string(), int() and float(),
// which 1.8.9 lacks, are added with v1.17's definitions (builtin/lib.go). Not provided: sprig.*
// and toJson's HTML escaping details; jsonpath() supports the root path '$' only (what ctp emits).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/antonmedv/expr"
	"github.com/antonmedv/expr/ast"
	"github.com/antonmedv/expr/parser"
)

// ---- depends -------------------------------------------------------------------------------

// TaskResults is the scope Argo gives a depends expression, one per dependency
// (workflow/controller/dag.go).
type TaskResults struct {
	Succeeded    bool
	Failed       bool
	Errored      bool
	Skipped      bool
	Omitted      bool
	Daemoned     bool
	AnySucceeded bool
	AllFailed    bool
}

type continueOn struct {
	Failed bool `json:"failed"`
	Error  bool `json:"error"`
}

type task struct {
	Phase      string      `json:"phase"`
	ContinueOn *continueOn `json:"continueOn"`
	Daemoned   bool        `json:"daemoned"`
	Children   []string    `json:"children"`
}

func (t *task) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &t.Phase)
	}
	type plain task
	return json.Unmarshal(b, (*plain)(t))
}

// taskNameRegex is Argo's (workflow/common/ancestry.go).
var taskNameRegex = regexp.MustCompile(`([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)`)

// expandDependency mirrors workflow/common/ancestry.go expandDependency.
func expandDependency(name string, t *task) string {
	parts := []string{name + ".Succeeded", name + ".Skipped", name + ".Daemoned"}
	if t.ContinueOn != nil {
		if t.ContinueOn.Error {
			parts = append(parts, name+".Errored")
		}
		if t.ContinueOn.Failed {
			parts = append(parts, name+".Failed")
		}
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// taskDependencies mirrors workflow/common/ancestry.go GetTaskDependencies: the dependency names
// and the depends text with every bare task name expanded.
func taskDependencies(depends string, tasks map[string]*task) ([]string, string, error) {
	type match struct {
		name       string
		start, end int
	}
	var expansions []match
	seen := map[string]bool{}
	var deps []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			deps = append(deps, name)
		}
	}
	for _, m := range taskNameRegex.FindAllStringSubmatchIndex(depends, -1) {
		if m[2] != -1 {
			add(strings.Split(depends[m[2]:m[3]], ".")[0])
		} else if m[4] != -1 {
			name := depends[m[4]:m[5]]
			add(name)
			expansions = append(expansions, match{name, m[4], m[5]})
		}
	}
	sort.Slice(expansions, func(i, j int) bool { return expansions[i].start > expansions[j].start })
	for _, m := range expansions {
		t, ok := tasks[m.name]
		if !ok { // Argo's dagContext.GetTask panics here
			return nil, "", fmt.Errorf("target %s does not exist", m.name)
		}
		depends = depends[:m.start] + expandDependency(m.name, t) + depends[m.end:]
	}
	return deps, depends, nil
}

// fulfilled mirrors NodeStatus.Fulfilled (pkg/apis/workflow/v1alpha1/workflow_types.go).
func fulfilled(t *task) bool {
	switch t.Phase {
	case "Succeeded", "Failed", "Error", "Skipped", "Omitted":
		return true
	}
	return t.Daemoned && t.Phase != "Pending"
}

// evalBool mirrors util/expr/argoexpr/eval.go EvalBool.
func evalBool(input string, env interface{}) (bool, error) {
	program, err := expr.Compile(input, expr.Env(env))
	if err != nil {
		return false, err
	}
	result, err := expr.Run(program, env)
	if err != nil {
		return false, fmt.Errorf("unable to evaluate expression '%s': %w", input, err)
	}
	resultBool, ok := result.(bool)
	if !ok {
		return false, fmt.Errorf("unable to cast expression result '%s' to bool", result)
	}
	return resultBool, nil
}

// evaluateDepends mirrors dagContext.evaluateDependsLogic (workflow/controller/dag.go).
func evaluateDepends(depends string, tasks map[string]*task) (bool, error) {
	deps, logic, err := taskDependencies(depends, tasks)
	if err != nil {
		return false, err
	}
	scope := map[string]TaskResults{}
	for _, name := range deps {
		t, ok := tasks[name]
		if !ok {
			return false, fmt.Errorf("target %s does not exist", name)
		}
		if !fulfilled(t) {
			return false, fmt.Errorf("not fulfilled: task %s is %s (Argo waits)", name, t.Phase)
		}
		key := strings.ReplaceAll(name, "-", "_")
		if _, ok := scope[key]; ok {
			continue
		}
		anySucceeded, allFailed := false, false
		if t.Children != nil { // a task group (withItems / withParam / withSequence)
			allFailed = len(t.Children) > 0
			for _, phase := range t.Children {
				anySucceeded = anySucceeded || phase == "Succeeded"
				allFailed = allFailed && phase == "Failed"
			}
		}
		scope[key] = TaskResults{
			Succeeded:    t.Phase == "Succeeded",
			Failed:       t.Phase == "Failed",
			Errored:      t.Phase == "Error",
			Skipped:      t.Phase == "Skipped",
			Omitted:      t.Phase == "Omitted",
			Daemoned:     t.Daemoned && t.Phase != "Pending",
			AnySucceeded: anySucceeded,
			AllFailed:    allFailed,
		}
	}
	logic = strings.ReplaceAll(logic, "-", "_")
	ok, err := evalBool(logic, scope)
	if err != nil {
		return false, fmt.Errorf("unable to evaluate expression '%s': %w", logic, err)
	}
	return ok, nil
}

// ---- expression tags -----------------------------------------------------------------------

// exprInt, exprFloat and exprString are expr v1.17's builtins int, float and string
// (builtin/lib.go); Argo also binds the first two as asInt and asFloat (util/expr/env/env.go).
func exprInt(x interface{}) interface{} {
	switch x := x.(type) {
	case float32:
		return int(x)
	case float64:
		return int(x)
	case int:
		return x
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return int(reflect.ValueOf(x).Convert(reflect.TypeOf(0)).Int())
	case string:
		i, err := strconv.Atoi(x)
		if err != nil {
			panic(fmt.Sprintf("invalid operation: int(%s)", x))
		}
		return i
	default:
		val := reflect.ValueOf(x)
		if val.IsValid() && val.Type().ConvertibleTo(reflect.TypeOf(0)) {
			return val.Convert(reflect.TypeOf(0)).Interface()
		}
		panic(fmt.Sprintf("invalid operation: int(%T)", x))
	}
}

func exprFloat(x interface{}) interface{} {
	switch x := x.(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return reflect.ValueOf(x).Convert(reflect.TypeOf(0.0)).Float()
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			panic(fmt.Sprintf("invalid operation: float(%s)", x))
		}
		return f
	default:
		panic(fmt.Sprintf("invalid operation: float(%T)", x))
	}
}

func exprString(x interface{}) interface{} { return fmt.Sprintf("%v", x) }

// builtins are expr v1.17 builtins: parsed there as builtin calls, not as identifiers.
var builtins = map[string]interface{}{"int": exprInt, "float": exprFloat, "string": exprString}

// jsonPath mirrors util/expr/env/env.go jsonPath for the root path '$' (the query of the whole
// document, what ctp emits); other paths are not evaluated here.
func jsonPath(jsonStr string, path string) interface{} {
	var jsonMap interface{}
	if err := json.Unmarshal([]byte(jsonStr), &jsonMap); err != nil {
		panic(err)
	}
	if strings.TrimSpace(path) != "$" {
		panic(fmt.Sprintf("jsonpath %q: only '$' is supported by this evaluator", path))
	}
	return jsonMap
}

func toJSON(v interface{}) string {
	output, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(output)
}

// expand mirrors util/expand/expand.go Expand (removeConflicts, then bellows.Expand): the flat
// "a.b.c" keys of Argo's replace map become nested maps.
func expand(flat map[string]interface{}) map[string]interface{} {
	keys := make([]string, 0, len(flat))
	n := map[string]interface{}{}
	for k, v := range flat {
		keys = append(keys, k)
		n[k] = v
	}
	sort.Strings(keys)
	for i := 0; i < len(keys)-1; i++ {
		if strings.HasPrefix(keys[i+1], keys[i]+".") {
			delete(n, keys[i])
		}
	}
	return expandPrefixed(n, "")
}

func expandPrefixed(value map[string]interface{}, prefix string) map[string]interface{} {
	result := map[string]interface{}{}
	if prefix != "" {
		prefix += "."
	}
	keys := make([]string, 0, len(value))
	for k := range value {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		key := k[len(prefix):]
		idx := strings.Index(key, ".")
		if idx != -1 {
			key = key[:idx]
		}
		if _, ok := result[key]; ok {
			continue
		}
		if idx == -1 {
			result[key] = value[k]
			continue
		}
		result[key] = expandPrefixed(value, k[:len(prefix)+len(key)])
	}
	return result
}

// funcMap mirrors util/expr/env/env.go GetFuncMap (less sprig).
func funcMap(values map[string]interface{}) map[string]interface{} {
	env := expand(values)
	env["asInt"] = exprInt
	env["asFloat"] = exprFloat
	env["jsonpath"] = jsonPath
	env["toJson"] = toJSON
	return env
}

// identifiers mirrors getIdentifiers (util/template/expression_template.go): the variables and
// member paths (a.b, a['b']) an expression names.
type identifierVisitor struct {
	ids  []string
	seen map[string]bool
}

func (v *identifierVisitor) add(id string) {
	if !v.seen[id] {
		v.seen[id] = true
		v.ids = append(v.ids, id)
	}
}

func memberPath(node ast.Node) (string, bool) {
	switch n := node.(type) {
	case *ast.IdentifierNode:
		return n.Value, true
	case *ast.PropertyNode:
		if p, ok := memberPath(n.Node); ok {
			return p + "." + n.Property, true
		}
	case *ast.IndexNode:
		if s, ok := n.Index.(*ast.StringNode); ok {
			if p, ok := memberPath(n.Node); ok {
				return p + "." + s.Value, true
			}
		}
	}
	return "", false
}

func (v *identifierVisitor) Enter(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		v.add(n.Value)
	case *ast.FunctionNode:
		if _, builtin := builtins[n.Name]; !builtin {
			v.add(n.Name)
		}
	case *ast.PropertyNode, *ast.IndexNode:
		if p, ok := memberPath(n); ok {
			v.add(p)
		}
	}
}
func (v *identifierVisitor) Exit(node *ast.Node) {}

// hasVarInEnv mirrors util/template/expression_template.go hasVarInEnv for maps.
func hasVarInEnv(env map[string]interface{}, parameter string) bool {
	if _, ok := env[parameter]; ok {
		return true
	}
	parts := strings.Split(parameter, ".")
	var current interface{} = env
	remaining := parts
	for i := len(parts); i > 0; i-- {
		if val, ok := env[strings.Join(parts[:i], ".")]; ok {
			current, remaining = val, parts[i:]
			break
		}
	}
	for i, part := range remaining {
		m, ok := current.(map[string]interface{})
		if !ok {
			return false
		}
		if current, ok = m[part]; !ok {
			return false
		}
		if i == len(remaining)-1 {
			return true
		}
	}
	return false
}

// strictRegex is getStrictRegex(["tasks", "steps"]) (util/template/template.go): the prefixes
// that dag.go and steps.go pass to ReplaceStrictAny when they resolve a `when`.
var strictRegex = regexp.MustCompile(`^((tasks|steps))(\.|$)`)

// variablesToCheck: the late-binding variables of util/template/expression_template.go.
var variablesToCheck = map[string]bool{"item": true, "retries": true, "retries.lastExitCode": true,
	"retries.lastStatus": true, "retries.lastDuration": true, "retries.lastMessage": true,
	"workflow.status": true, "workflow.failures": true}

var errUnresolved = errors.New("unresolved")

// expressionReplace mirrors expressionReplaceStrict and expressionReplaceCore
// (util/template/expression_template.go) for an expression already JSON-unescaped. It returns the
// text put in place of the tag, the expression's value, or errUnresolved where Argo keeps the tag.
func expressionReplace(expression string, values map[string]interface{}) (
	string, interface{}, error) {
	env := funcMap(values)
	tree, err := parser.Parse(expression)
	if err != nil {
		return "", nil, fmt.Errorf("failed to evaluate expression: %w", err)
	}
	visitor := &identifierVisitor{seen: map[string]bool{}}
	ast.Walk(&tree.Node, visitor)
	var missing []string
	for _, id := range visitor.ids {
		if !hasVarInEnv(env, id) {
			if strictRegex.MatchString(id) {
				return "", nil, fmt.Errorf("failed to evaluate expression: %s is missing", id)
			}
			missing = append(missing, id)
		}
	}
	allowUnresolved := len(missing) > 0
	for _, id := range missing {
		if variablesToCheck[id] {
			return "", nil, errUnresolved
		}
	}
	for k, v := range builtins {
		env[k] = v
	}
	program, err := expr.Compile(expression, expr.Env(env))
	if err != nil {
		if allowUnresolved {
			return "", nil, errUnresolved
		}
		return "", nil, fmt.Errorf("failed to evaluate expression: %w", err)
	}
	result, err := expr.Run(program, env)
	if (err != nil || result == nil) && allowUnresolved {
		return "", nil, errUnresolved
	}
	if err != nil {
		return "", nil, fmt.Errorf("failed to evaluate expression: %w", err)
	}
	if result == nil {
		return "", nil, fmt.Errorf("failed to evaluate expression %q", expression)
	}
	marshaled, err := json.Marshal(result)
	if err != nil {
		return "", nil, fmt.Errorf("failed to marshal evaluated expression: %w", err)
	}
	if s, ok := result.(string); ok {
		return s, result, nil
	}
	return string(marshaled), result, nil
}

// ---- when substitution ---------------------------------------------------------------------

// substitute mirrors how dag.go resolveDependencyReferences resolves a `when` before
// shouldExecute: json.Marshal the text, template.ReplaceStrictAny(..., ["tasks", "steps"]) over
// it (fasttemplate tags {{...}}: simpleReplaceStrict or, for {{=...}}, an expression tag),
// json.Unmarshal the result. Nested tags ({{a.{{b}}}}) are not resolved here.
func substitute(when string, values map[string]interface{}) (string, error) {
	marshaled, err := json.Marshal(when)
	if err != nil {
		return "", err
	}
	s := string(marshaled)
	var out strings.Builder
	for {
		start := strings.Index(s, "{{")
		if start < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:start])
		end := strings.Index(s[start+2:], "}}")
		if end < 0 {
			return "", fmt.Errorf("Cannot find end tag=%q in the template=%q starting from %q",
				"}}", string(marshaled), s[start+2:])
		}
		tag := s[start+2 : start+2+end]
		s = s[start+2+end+2:]
		if strings.HasPrefix(tag, "=") { // parseTag (util/template/kind.go), jsonutil.Fix
			expression := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(tag[1:])
			var unescaped string
			if err := json.Unmarshal([]byte(`"`+expression+`"`), &unescaped); err != nil {
				return "", fmt.Errorf("failed to unmarshall JSON expression: %w", err)
			}
			text, _, err := expressionReplace(unescaped, values)
			if err == errUnresolved {
				out.WriteString("{{" + tag + "}}")
				continue
			}
			if err != nil {
				return "", err
			}
			quoted := strconv.Quote(text)
			out.WriteString(quoted[1 : len(quoted)-1])
			continue
		}
		replacement, ok := values[strings.TrimSpace(tag)]
		if !ok {
			if strictRegex.MatchString(strings.TrimSpace(tag)) {
				return "", fmt.Errorf("failed to resolve {{%s}}", tag)
			}
			out.WriteString("{{" + tag + "}}")
			continue
		}
		str, isStr := replacement.(string)
		if !isStr {
			return "", fmt.Errorf("failed to resolve {{%s}} to string", tag)
		}
		quoted := strconv.Quote(str)
		out.WriteString(quoted[1 : len(quoted)-1])
	}
	var resolved string
	if err := json.Unmarshal([]byte(out.String()), &resolved); err != nil {
		return "", errors.New("cannot finish template replacement because the result was invalid JSON")
	}
	return resolved, nil
}

// ---- protocol ------------------------------------------------------------------------------

type request struct {
	Depends  *string                `json:"depends"`
	Tasks    map[string]*task       `json:"tasks"`
	Tag      *string                `json:"tag"`
	Env      map[string]interface{} `json:"env"`
	Template *string                `json:"template"`
	Values   map[string]interface{} `json:"values"`
}

func handle(line []byte) (reply map[string]interface{}) {
	defer func() {
		if r := recover(); r != nil {
			reply = map[string]interface{}{"error": fmt.Sprintf("panic: %v", r)}
		}
	}()
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return map[string]interface{}{"error": "bad request line: " + err.Error()}
	}
	switch {
	case req.Depends != nil:
		result, err := evaluateDepends(*req.Depends, req.Tasks)
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		return map[string]interface{}{"result": result}
	case req.Tag != nil:
		tag := strings.TrimSpace(*req.Tag)
		if strings.HasPrefix(tag, "{{=") && strings.HasSuffix(tag, "}}") {
			tag = tag[3 : len(tag)-2]
		}
		text, value, err := expressionReplace(tag, req.Env)
		if err == errUnresolved {
			return map[string]interface{}{"unresolved": true, "result": "{{=" + tag + "}}"}
		}
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		return map[string]interface{}{"result": text, "value": value}
	case req.Template != nil:
		result, err := substitute(*req.Template, req.Values)
		if err != nil {
			return map[string]interface{}{"error": err.Error()}
		}
		return map[string]interface{}{"result": result}
	}
	return map[string]interface{}{
		"error": "bad request line: want \"depends\", \"tag\" or \"template\""}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		if err := enc.Encode(handle(in.Bytes())); err != nil {
			fmt.Fprintln(os.Stderr, "expr_depends:", err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "expr_depends:", err)
		os.Exit(1)
	}
}
