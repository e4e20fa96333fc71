// k8s-yaml-json reads YAML files the way kubectl does and prints what it reads, as JSON.
//
// Each file is split into documents with k8s.io/apimachinery's YAMLReader (as kubectl's
// YAMLOrJSONDecoder does) and each document is converted with sigs.k8s.io/yaml.YAMLToJSON
// (go-yaml v2, YAML 1.1 resolution), as kubectl, Argo CD, Flux and kustomize read manifests.
//
// Usage: k8s-yaml-json FILE... (a FILE "-" reads more paths, one a line, from standard input).
// Output: one JSON object keyed by path; each value is the list of that file's documents, each
// {"json": <value>} or {"error": "<message>"}, or {"error": ...} alone when the file cannot be read.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type document struct {
	JSON  json.RawMessage `json:"json,omitempty"`
	Error string          `json:"error,omitempty"`
}

func readFile(path string) (docs []document, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	docs = []document{}
	for {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return append(docs, document{Error: err.Error()}), nil
		}
		// kubectl skips documents that are empty or only comments (they convert to null).
		j, err := yaml.YAMLToJSON(raw)
		if err != nil {
			docs = append(docs, document{Error: err.Error()})
			continue
		}
		if t := bytes.TrimSpace(j); len(t) == 0 || bytes.Equal(t, []byte("null")) {
			continue
		}
		docs = append(docs, document{JSON: j})
	}
}

func main() {
	var paths []string
	for _, a := range os.Args[1:] {
		if a != "-" {
			paths = append(paths, a)
			continue
		}
		s := bufio.NewScanner(os.Stdin)
		s.Buffer(make([]byte, 1<<20), 1<<20)
		for s.Scan() {
			if p := strings.TrimSpace(s.Text()); p != "" {
				paths = append(paths, p)
			}
		}
	}
	out := make(map[string]interface{}, len(paths))
	for _, p := range paths {
		docs, err := readFile(p)
		if err != nil {
			out[p] = map[string]string{"error": err.Error()}
		} else {
			out[p] = docs
		}
	}
	w := bufio.NewWriter(os.Stdout)
	if err := json.NewEncoder(w).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "k8s-yaml-json:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "k8s-yaml-json:", err)
		os.Exit(1)
	}
}
