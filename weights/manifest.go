package weights

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// manifestJSON lists the default models shipped next to it in this folder.
// The page fetches the same list, so both sides agree on file names, sizes
// and hashes.
//
//go:embed manifest.json
var manifestJSON []byte

// ModelEntry is one default model in manifest.json.
type ModelEntry struct {
	ID     string `json:"id"`    // unique, with the quant scheme in it: "fashion-q8_0"
	Alias  string `json:"alias"` // short name users type: "fashion"
	Kind   string `json:"kind"`  // "diffusion" or "text"
	File   string `json:"file"`  // file name in this folder (and on the server)
	Bytes  int64  `json:"bytes"` // size of File
	SHA256 string `json:"sha256"`
	// Arch is the file's general.architecture, so a caller can pick the
	// model code before reading the file.
	Arch string `json:"arch"`
	// LargestTensorBytes is the largest single tensor's data size: the
	// biggest GPU storage binding the model needs.
	LargestTensorBytes int64    `json:"largest_tensor_bytes"`
	Features           []string `json:"features"` // WebGPU features required ("shader-f16"), usually none
}

type manifest struct {
	Models []ModelEntry `json:"models"`
}

// Manifest returns the default models, in file order.
func Manifest() ([]ModelEntry, error) {
	var m manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("weights/manifest.json: %w", err)
	}
	return m.Models, nil
}

// LookupModel returns the model whose id or alias is idOrAlias (case does
// not matter). The error lists the known ids and aliases.
func LookupModel(idOrAlias string) (ModelEntry, error) {
	models, err := Manifest()
	if err != nil {
		return ModelEntry{}, err
	}
	for _, e := range models {
		if strings.EqualFold(e.ID, idOrAlias) || (e.Alias != "" && strings.EqualFold(e.Alias, idOrAlias)) {
			return e, nil
		}
	}
	var names []string
	for _, e := range models {
		n := e.ID
		if e.Alias != "" {
			n += " (" + e.Alias + ")"
		}
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ModelEntry{}, fmt.Errorf("unknown model %q: the manifest lists no models", idOrAlias)
	}
	return ModelEntry{}, fmt.Errorf("unknown model %q; known models: %s", idOrAlias, strings.Join(names, ", "))
}
