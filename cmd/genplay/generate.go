package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/genplay/genplay/weights"
)

// generate is a dispatcher: it finds the model file, reads its
// general.architecture and hands the remaining arguments to the generator
// registered for that architecture (image generators in generate_image.go,
// text generators in their own files).

func init() {
	register("generate", "generate with a model natively on the CPU (image or text, by the model's architecture)", runGenerate)
}

// generators maps a GGUF general.architecture to the code that runs it. run
// gets the model file's path and the arguments other than --model.
var generators = map[string]func(path string, args []string) error{}

func registerGenerator(arch string, run func(path string, args []string) error) {
	generators[arch] = run
}

// weightsDirEnv names the folder holding the manifest's model files when the
// command does not run from the repository root.
const weightsDirEnv = "GENPLAY_WEIGHTS"

func runGenerate(args []string) error {
	model, rest, err := takeModelFlag(args)
	if err != nil {
		return err
	}
	if model == "" {
		generateUsage()
		return errors.New("--model is required: a manifest id or alias, or a .gguf/.gguf.zst path")
	}
	path, arch, err := resolveModel(model)
	if err != nil {
		return err
	}
	run, ok := generators[arch]
	if !ok {
		return fmt.Errorf("%s: architecture %q has no generator (known: %s)", path, arch, strings.Join(generatorArchs(), ", "))
	}
	return run(path, rest)
}

func generateUsage() {
	fmt.Fprintf(os.Stderr, "usage: genplay generate --model ID|ALIAS|FILE.gguf[.zst] [model flags]\n\n"+
		"The model's architecture picks the flags; 'genplay generate --model M -h' lists them.\n"+
		"Architectures: %s\n", strings.Join(generatorArchs(), ", "))
	if models, err := weights.Manifest(); err == nil && len(models) > 0 {
		fmt.Fprintf(os.Stderr, "Models:\n")
		for _, m := range models {
			fmt.Fprintf(os.Stderr, "  %-16s %-10s %s (%s)\n", m.ID, m.Alias, m.Kind, m.Arch)
		}
	}
}

func generatorArchs() []string {
	names := make([]string, 0, len(generators))
	for a := range generators {
		names = append(names, a)
	}
	sort.Strings(names)
	return names
}

// takeModelFlag removes --model V (or -model V, --model=V) from args.
func takeModelFlag(args []string) (model string, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "model" {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return "", nil, errors.New("--model needs a value")
			}
			i++
			val = args[i]
		}
		model = val
	}
	if model == "" && containsHelp(rest) {
		generateUsage()
		return "", nil, flag.ErrHelp
	}
	return model, rest, nil
}

func containsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			return true
		}
	}
	return false
}

// resolveModel turns --model into a file path and its architecture. A value
// naming an existing file, or ending in .gguf/.gguf.zst, is a path; anything
// else is looked up in the manifest.
func resolveModel(model string) (path, arch string, err error) {
	if isModelPath(model) {
		st, err := os.Stat(model)
		if err != nil {
			return "", "", fmt.Errorf("model file %s: %w", model, err)
		}
		if st.IsDir() {
			return "", "", fmt.Errorf("model file %s is a folder, not a .gguf file", model)
		}
		arch, err := readArchitecture(model)
		if err != nil {
			return "", "", fmt.Errorf("%s: %w (is it a GGUF file? make one with 'genplay quantize')", model, err)
		}
		return model, arch, nil
	}
	e, err := weights.LookupModel(model)
	if err != nil {
		return "", "", err
	}
	path, err = manifestFile(e)
	if err != nil {
		return "", "", err
	}
	if err := checkManifestFile(path, e); err != nil {
		return "", "", err
	}
	return path, e.Arch, nil
}

func isModelPath(s string) bool {
	if strings.HasSuffix(s, ".gguf") || strings.HasSuffix(s, ".gguf.zst") || strings.ContainsRune(s, os.PathSeparator) {
		return true
	}
	st, err := os.Stat(s)
	return err == nil && st.Mode().IsRegular()
}

// manifestFile finds a manifest model's file: in $GENPLAY_WEIGHTS, else in
// ./weights (the repository root), else in weights/ next to the executable.
func manifestFile(e weights.ModelEntry) (string, error) {
	var dirs []string
	if d := os.Getenv(weightsDirEnv); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, "weights")
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "weights"), filepath.Join(filepath.Dir(exe), "..", "weights"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, e.File)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("model %s: file %s not found in %s; run from the repository root, set %s to the folder that holds it, or pass --model PATH",
		e.ID, e.File, strings.Join(dirs, ", "), weightsDirEnv)
}

// checkManifestFile compares a default model's size and SHA-256 with the
// manifest, so a truncated or replaced file is named as such rather than
// failing somewhere inside the parser.
func checkManifestFile(path string, e weights.ModelEntry) error {
	fix := fmt.Sprintf("restore it (git checkout -- %s) or download it again", path)
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	if e.Bytes > 0 && st.Size() != e.Bytes {
		return fmt.Errorf("%s is %d bytes but the manifest says %d: the file is incomplete or was replaced; %s", path, st.Size(), e.Bytes, fix)
	}
	if e.SHA256 == "" {
		return nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, e.SHA256) {
		return fmt.Errorf("%s has sha256 %s but the manifest says %s: the file is corrupt; %s", path, got, e.SHA256, fix)
	}
	return nil
}

// readArchitecture reads general.architecture from a GGUF header without
// loading the tensors (a text model can be gigabytes).
func readArchitecture(path string) (string, error) {
	f, err := weights.OpenFile(path, weights.WithHeaderOnly())
	if err != nil {
		return "", err
	}
	arch := f.Architecture()
	if arch == "" {
		return "", errors.New("no general.architecture in the GGUF metadata")
	}
	return arch, nil
}
