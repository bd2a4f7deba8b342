package weights

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestManifest checks every manifest entry against the file it names in
// this folder. On a mismatch it prints the values the file really has, so
// updating manifest.json after rebuilding a model is a copy.
func TestManifest(t *testing.T) {
	models, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range models {
		for _, name := range []string{e.ID, e.Alias} {
			if name != "" && seen[strings.ToLower(name)] {
				t.Errorf("id or alias %q used twice", name)
			}
			seen[strings.ToLower(name)] = true
		}
		if e.ID == "" || e.File == "" || e.Arch == "" || (e.Kind != "diffusion" && e.Kind != "text") {
			t.Errorf("entry %+v: id, file, arch and kind (diffusion or text) are required", e)
			continue
		}
		data, err := os.ReadFile(e.File)
		if err != nil {
			t.Errorf("%s: %v", e.ID, err)
			continue
		}
		sum := sha256.Sum256(data)
		f, err := Read(strings.NewReader(string(data)))
		if err != nil {
			t.Errorf("%s: %v", e.ID, err)
			continue
		}
		var largest int64
		for _, ti := range f.Tensors {
			largest = max(largest, int64(len(ti.Data)))
		}
		got := ModelEntry{ID: e.ID, Alias: e.Alias, Kind: e.Kind, File: e.File, Bytes: int64(len(data)),
			SHA256: hex.EncodeToString(sum[:]), Arch: f.Architecture(), LargestTensorBytes: largest}
		if got.Bytes != e.Bytes || got.SHA256 != e.SHA256 || got.Arch != e.Arch || got.LargestTensorBytes != e.LargestTensorBytes {
			t.Errorf("%s: manifest.json does not match %s; the file has\n"+
				`"bytes": %d, "sha256": %q, "arch": %q, "largest_tensor_bytes": %d`,
				e.ID, e.File, got.Bytes, got.SHA256, got.Arch, got.LargestTensorBytes)
		}
	}
}

func TestLookupModel(t *testing.T) {
	models, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range models {
		for _, name := range []string{e.ID, strings.ToUpper(e.ID), e.Alias} {
			if name == "" {
				continue
			}
			if got, err := LookupModel(name); err != nil || got.ID != e.ID {
				t.Errorf("LookupModel(%q) = %q, %v", name, got.ID, err)
			}
		}
	}
	_, err = LookupModel("no-such-model")
	if err == nil || !strings.Contains(err.Error(), `unknown model "no-such-model"`) {
		t.Errorf("unknown model: %v", err)
	}
	for _, e := range models {
		if !strings.Contains(err.Error(), e.ID) {
			t.Errorf("error %q does not list %s", err, e.ID)
		}
	}
}
