package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"

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
// loading the tensors (a text model can be gigabytes). It walks the metadata
// key-value pairs in order and stops at the key.
func readArchitecture(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	var r io.Reader = br
	if head, _ := br.Peek(4); bytes.Equal(head, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		dec, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			return "", fmt.Errorf("zstd: %w", err)
		}
		defer dec.Close()
		r = dec
	}
	h := headerReader{r: r}
	var magic [4]byte
	h.read(magic[:])
	if h.err == nil && string(magic[:]) != "GGUF" {
		return "", fmt.Errorf("not a GGUF file (magic %q)", magic[:])
	}
	if v := h.u32(); h.err == nil && v != 2 && v != 3 {
		return "", fmt.Errorf("unsupported GGUF version %d", v)
	}
	h.u64() // tensor count
	nKV := h.u64()
	for i := uint64(0); i < nKV && h.err == nil; i++ {
		key := h.str()
		typ := h.u32()
		if key == weights.KeyArchitecture && typ == uint32(weights.TypeString) {
			arch := h.str()
			if h.err == nil {
				return arch, nil
			}
			break
		}
		h.skipValue(typ, 0)
	}
	if h.err != nil {
		return "", fmt.Errorf("reading the GGUF header: %w", h.err)
	}
	return "", errors.New("no general.architecture in the GGUF metadata")
}

// headerReader reads little-endian GGUF header fields, remembering the
// first error so the walk above stays linear.
type headerReader struct {
	r   io.Reader
	err error
	buf [8]byte
}

func (h *headerReader) read(p []byte) {
	if h.err == nil {
		_, h.err = io.ReadFull(h.r, p)
	}
}

func (h *headerReader) u32() uint32 {
	h.read(h.buf[:4])
	return binary.LittleEndian.Uint32(h.buf[:4])
}

func (h *headerReader) u64() uint64 {
	h.read(h.buf[:8])
	return binary.LittleEndian.Uint64(h.buf[:8])
}

func (h *headerReader) skip(n uint64) {
	if h.err != nil {
		return
	}
	var m int64
	m, h.err = io.CopyN(io.Discard, h.r, int64(n))
	if h.err == nil && uint64(m) != n {
		h.err = io.ErrUnexpectedEOF
	}
}

func (h *headerReader) str() string {
	n := h.u64()
	if h.err != nil {
		return ""
	}
	if n > 1<<20 {
		h.err = fmt.Errorf("metadata string of %d bytes", n)
		return ""
	}
	p := make([]byte, n)
	h.read(p)
	return string(p)
}

// scalarSize is the byte size of each fixed-size GGUF value type.
var scalarSize = map[uint32]uint64{0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}

func (h *headerReader) skipValue(typ uint32, depth int) {
	if h.err != nil {
		return
	}
	if n, ok := scalarSize[typ]; ok {
		h.skip(n)
		return
	}
	switch typ {
	case uint32(weights.TypeString):
		h.skip(h.u64())
	case uint32(weights.TypeArray):
		if depth > 2 {
			h.err = errors.New("metadata arrays nested too deep")
			return
		}
		et, n := h.u32(), h.u64()
		if size, ok := scalarSize[et]; ok {
			if n > 1<<40/size {
				h.err = fmt.Errorf("metadata array of %d elements", n)
				return
			}
			h.skip(n * size)
			return
		}
		for i := uint64(0); i < n && h.err == nil; i++ {
			h.skipValue(et, depth+1)
		}
	default:
		h.err = fmt.Errorf("unknown metadata value type %d", typ)
	}
}
