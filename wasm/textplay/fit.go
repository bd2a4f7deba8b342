package textplay

import "fmt"

// The page holds a model three times over while loading it: the file's
// bytes as read from disk, their copy in Go's memory, and the parsed
// tensors (about the file's size again for an uncompressed GGUF). A
// compressed file's parsed size is only known after decompressing, so the
// check is repeated on the parsed file (FitsParsed).
const memoryFactor = 3

// WasmMemoryLimit is what the page lets one model use: Go's wasm heap is
// at most 4 GiB (32-bit addresses) and the runtime and page need the rest.
const WasmMemoryLimit = 2 << 30

// Fits refuses, before anything is read, a file of fileBytes that the page
// cannot hold. The message says how much memory it needs against what the
// device allows.
func Fits(name string, fileBytes, limit int64) error {
	if need := fileBytes * memoryFactor; need > limit {
		return fmt.Errorf("%s is too big for this device: loading it needs about %s of memory (%s file x %d while reading), "+
			"and the page allows %s", name, MiB(need), MiB(fileBytes), memoryFactor, MiB(limit))
	}
	return nil
}

// FitsParsed refuses a parsed model whose largest tensor exceeds the
// device's largest storage buffer (WebGPU's maxStorageBufferBindingSize
// and maxBufferSize; 0 for the CPU path, which has no such limit) or whose
// tensors together exceed limit.
func FitsParsed(name string, largest, total, maxBuffer, limit int64) error {
	if maxBuffer > 0 && largest > maxBuffer {
		return fmt.Errorf("%s is too big for this device: its largest tensor needs %s in one GPU buffer, and the device allows %s "+
			"(maxStorageBufferBindingSize)", name, MiB(largest), MiB(maxBuffer))
	}
	if total > limit {
		return fmt.Errorf("%s is too big for this device: its tensors need %s of memory, and the page allows %s", name, MiB(total), MiB(limit))
	}
	return nil
}

// MiB formats a byte count.
func MiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
