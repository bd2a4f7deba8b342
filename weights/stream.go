package weights

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// zstdMagic starts every zstd frame (RFC 8878).
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// maxZstdWindow caps the zstd window a stream may ask for: the decoder's
// memory is about one window, and 128 MiB covers `zstd --long=27`.
const maxZstdWindow = 128 << 20

// progressEvery is how many bytes pass between progress callbacks.
const progressEvery = 1 << 20

// Option configures Read and OpenFile.
type Option func(*readConfig)

type readConfig struct {
	progress   func(done, total int64)
	total      int64
	sha256     string
	headerOnly bool
}

// WithProgress calls fn as the input is consumed, with the bytes read so
// far (compressed bytes for a .gguf.zst) and the total from WithSize (-1
// when unknown). It is called at least once, at the end.
func WithProgress(fn func(done, total int64)) Option {
	return func(c *readConfig) { c.progress = fn }
}

// WithSize tells the reader the input's length in bytes (a Content-Length or
// file size). It is passed to the progress callback and, for uncompressed
// GGUF, lets the reader reject out-of-range tensor offsets before reading.
func WithSize(n int64) Option {
	return func(c *readConfig) { c.total = n }
}

// WithSHA256 makes the read fail unless the SHA-256 of the input bytes as
// given (the .gguf.zst file itself, when compressed) equals hexDigest. The
// whole input is then consumed, including anything after the GGUF data.
func WithSHA256(hexDigest string) Option {
	return func(c *readConfig) { c.sha256 = strings.ToLower(strings.TrimSpace(hexDigest)) }
}

// WithHeaderOnly stops after the header: the metadata and every tensor's
// name, shape and dtype, with Data left nil (as image.DecodeConfig reads only
// what it needs). Use it to pick the model code before loading a file.
func WithHeaderOnly() Option {
	return func(c *readConfig) { c.headerOnly = true }
}

// ChecksumError reports an input whose SHA-256 differs from the expected one.
type ChecksumError struct {
	Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("sha256 mismatch: expected %s, got %s; the file is corrupt or incomplete, re-download it", e.Want, e.Got)
}

// Read parses a GGUF file, or a zstd-compressed one (detected by its magic),
// from r in one front-to-back pass; r need not be seekable.
//
// Memory: each tensor gets its own Data slice. When the input size is known
// (WithSize, OpenFile) and the file is not compressed, each is allocated once
// at its final size; otherwise sizes claimed by the header are not trusted
// and buffers of more than 1 MiB grow as the data arrives, which costs up to
// about twice a tensor's size while it is being read.
func Read(r io.Reader, opts ...Option) (*File, error) {
	cfg := readConfig{total: -1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.sha256 != "" {
		if b, err := hex.DecodeString(cfg.sha256); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("expected sha256 %q is not 64 hex digits", cfg.sha256)
		}
	}
	src := &meter{r: r, cfg: &cfg}
	if cfg.sha256 != "" {
		src.hash = sha256.New()
	}
	br := bufio.NewReaderSize(src, 64<<10)
	f, err := decodeStream(br, cfg.total, cfg.headerOnly)
	if cfg.sha256 != "" {
		// Hash everything, even after a parse error: a mismatch explains a
		// corrupt download better than the parse error it caused.
		if _, derr := io.Copy(io.Discard, br); derr != nil && err == nil {
			err = fmt.Errorf("reading to the end for the checksum: %w", derr)
		}
		if got := hex.EncodeToString(src.hash.Sum(nil)); got != cfg.sha256 {
			cerr := &ChecksumError{Want: cfg.sha256, Got: got}
			if err != nil {
				return nil, fmt.Errorf("%w (while parsing: %v)", cerr, err)
			}
			return nil, cerr
		}
	}
	src.report(true)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// decodeStream parses plain or zstd-wrapped GGUF from br.
func decodeStream(br *bufio.Reader, total int64, headerOnly bool) (*File, error) {
	head, err := br.Peek(4)
	if err != nil && len(head) == 0 {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("gguf: empty input")
		}
		return nil, fmt.Errorf("gguf: %w", err)
	}
	if !bytes.Equal(head, zstdMagic) {
		return decodeGGUF(br, total, headerOnly)
	}
	dec, err := zstd.NewReader(br,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(maxZstdWindow),
		zstd.WithDecoderMaxMemory(maxZstdWindow),
	)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	defer dec.Close()
	f, err := decodeGGUF(dec, -1, headerOnly)
	if err != nil {
		return nil, fmt.Errorf("%w (in a zstd stream)", err)
	}
	return f, nil
}

// OpenFile reads a .gguf or .gguf.zst file; its size feeds WithProgress.
func OpenFile(path string, opts ...Option) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.Mode().IsRegular() {
		opts = append([]Option{WithSize(st.Size())}, opts...)
	}
	f, err := Read(fh, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// meter counts (and optionally hashes) the raw input bytes and reports progress.
type meter struct {
	r        io.Reader
	cfg      *readConfig
	hash     hash.Hash
	done     int64
	reported int64
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if n > 0 {
		if m.hash != nil {
			m.hash.Write(p[:n])
		}
		m.done += int64(n)
		if m.done-m.reported >= progressEvery {
			m.report(false)
		}
	}
	return n, err
}

func (m *meter) report(final bool) {
	if m.cfg.progress == nil || (final && m.done == m.reported && m.done != 0) {
		return
	}
	m.reported = m.done
	m.cfg.progress(m.done, m.cfg.total)
}
