package weights

import (
	"errors"
	"fmt"
	"math"
)

// ErrKeyNotFound is wrapped by the Metadata getters when a key is absent, so
// optional keys can be told apart from mistyped ones with errors.Is.
var ErrKeyNotFound = errors.New("metadata key not found")

// Metadata is GGUF's key-value section: typed values in file order.
// The zero value is empty and ready to use.
type Metadata struct {
	keys []string
	vals map[string]Value
}

// Len returns the number of keys.
func (m *Metadata) Len() int { return len(m.keys) }

// Keys returns the keys in file (insertion) order. The slice is a copy.
func (m *Metadata) Keys() []string { return append([]string(nil), m.keys...) }

// Get returns the value stored under key.
func (m *Metadata) Get(key string) (Value, bool) {
	v, ok := m.vals[key]
	return v, ok
}

// Set stores v (anything ValueOf accepts) under key, keeping the position of
// an existing key.
func (m *Metadata) Set(key string, v any) error {
	val, err := ValueOf(v)
	if err != nil {
		return fmt.Errorf("metadata %q: %w", key, err)
	}
	m.SetValue(key, val)
	return nil
}

// SetValue stores val under key, keeping the position of an existing key.
func (m *Metadata) SetValue(key string, val Value) {
	if m.vals == nil {
		m.vals = map[string]Value{}
	}
	if _, ok := m.vals[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.vals[key] = val
}

// Delete removes key if present.
func (m *Metadata) Delete(key string) {
	if _, ok := m.vals[key]; !ok {
		return
	}
	delete(m.vals, key)
	for i, k := range m.keys {
		if k == key {
			m.keys = append(m.keys[:i], m.keys[i+1:]...)
			break
		}
	}
}

func (m *Metadata) lookup(key string) (Value, error) {
	v, ok := m.vals[key]
	if !ok {
		return Value{}, fmt.Errorf("%w: %q", ErrKeyNotFound, key)
	}
	return v, nil
}

func typeErr(key string, v Value, want string) error {
	got := v.Type.String()
	if v.Type == TypeArray {
		got = "array of " + v.Elem.String()
	}
	return fmt.Errorf("metadata %q is %s, want %s", key, got, want)
}

// GetString returns a string value.
func (m *Metadata) GetString(key string) (string, error) {
	v, err := m.lookup(key)
	if err != nil {
		return "", err
	}
	s, ok := v.V.(string)
	if !ok || v.Type != TypeString {
		return "", typeErr(key, v, "string")
	}
	return s, nil
}

// GetBool returns a bool value.
func (m *Metadata) GetBool(key string) (bool, error) {
	v, err := m.lookup(key)
	if err != nil {
		return false, err
	}
	b, ok := v.V.(bool)
	if !ok {
		return false, typeErr(key, v, "bool")
	}
	return b, nil
}

// GetUint returns any integer value that is not negative (writers differ in
// whether they store counts as uint32, int32 or uint64).
func (m *Metadata) GetUint(key string) (uint64, error) {
	v, err := m.lookup(key)
	if err != nil {
		return 0, err
	}
	u, neg, ok := asInteger(v.V)
	if !ok || neg {
		return 0, typeErr(key, v, "a non-negative integer")
	}
	return u, nil
}

// GetInt returns any integer value that fits in an int64.
func (m *Metadata) GetInt(key string) (int64, error) {
	v, err := m.lookup(key)
	if err != nil {
		return 0, err
	}
	u, neg, ok := asInteger(v.V)
	if !ok || (!neg && u > math.MaxInt64) {
		return 0, typeErr(key, v, "an integer")
	}
	if neg {
		return -int64(u), nil
	}
	return int64(u), nil
}

// GetFloat returns a float32, float64 or integer value as float64.
func (m *Metadata) GetFloat(key string) (float64, error) {
	v, err := m.lookup(key)
	if err != nil {
		return 0, err
	}
	switch x := v.V.(type) {
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	}
	if u, neg, ok := asInteger(v.V); ok {
		if neg {
			return -float64(u), nil
		}
		return float64(u), nil
	}
	return 0, typeErr(key, v, "a number")
}

// GetStrings returns an array of strings.
func (m *Metadata) GetStrings(key string) ([]string, error) {
	v, err := m.lookup(key)
	if err != nil {
		return nil, err
	}
	s, ok := v.V.([]string)
	if !ok {
		return nil, typeErr(key, v, "array of string")
	}
	return s, nil
}

// GetInts returns an array of any integer type as int64s.
func (m *Metadata) GetInts(key string) ([]int64, error) {
	v, err := m.lookup(key)
	if err != nil {
		return nil, err
	}
	if v.Type != TypeArray || v.Elem == TypeArray {
		return nil, typeErr(key, v, "array of integers")
	}
	out, ok := intsOf(v.V)
	if !ok {
		return nil, typeErr(key, v, "array of integers")
	}
	return out, nil
}

// GetFloats returns an array of float32, float64 or integers as float32s
// (tokenizer scores are stored as float32).
func (m *Metadata) GetFloats(key string) ([]float32, error) {
	v, err := m.lookup(key)
	if err != nil {
		return nil, err
	}
	switch x := v.V.(type) {
	case []float32:
		return x, nil
	case []float64:
		out := make([]float32, len(x))
		for i, f := range x {
			out[i] = float32(f)
		}
		return out, nil
	}
	if ints, ok := intsOf(v.V); ok && v.Type == TypeArray {
		out := make([]float32, len(ints))
		for i, n := range ints {
			out[i] = float32(n)
		}
		return out, nil
	}
	return nil, typeErr(key, v, "array of numbers")
}

// asInteger returns |x| and its sign for any Go integer type.
func asInteger(x any) (abs uint64, neg bool, ok bool) {
	signed := func(n int64) (uint64, bool, bool) {
		if n < 0 {
			return uint64(-n), true, true
		}
		return uint64(n), false, true
	}
	switch n := x.(type) {
	case uint8:
		return uint64(n), false, true
	case uint16:
		return uint64(n), false, true
	case uint32:
		return uint64(n), false, true
	case uint64:
		return n, false, true
	case int8:
		return signed(int64(n))
	case int16:
		return signed(int64(n))
	case int32:
		return signed(int64(n))
	case int64:
		return signed(n)
	}
	return 0, false, false
}

func intsOf(x any) ([]int64, bool) {
	conv := func(n int, at func(int) int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	switch s := x.(type) {
	case []uint8:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int8:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []uint16:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int16:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []uint32:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int32:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []uint64:
		return conv(len(s), func(i int) int64 { return int64(s[i]) }), true
	case []int64:
		return s, true
	}
	return nil, false
}
