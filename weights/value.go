package weights

import "fmt"

// ValueType is a GGUF metadata value type (gguf_type); the numbers are the
// ones stored in the file.
type ValueType uint32

const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var typeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32",
	"float32", "bool", "string", "array", "uint64", "int64", "float64"}

func (t ValueType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("gguf_type(%d)", uint32(t))
}

func (t ValueType) valid() bool { return t <= TypeFloat64 }

// Value is one typed metadata value. V holds the Go value matching Type:
//
//	uint8 int8 uint16 int16 uint32 int32 float32 bool string uint64 int64 float64
//
// For TypeArray, Elem is the element type and V is a slice of the matching
// Go type ([]uint8 ... []string, []bool), or []Value for an array of arrays.
type Value struct {
	Type ValueType
	Elem ValueType
	V    any
}

// ValueOf wraps a Go value (one of the types listed on Value, a slice of one
// of them, or []Value holding arrays) as a metadata Value.
func ValueOf(v any) (Value, error) {
	switch x := v.(type) {
	case Value:
		return x, nil
	case uint8:
		return Value{Type: TypeUint8, V: x}, nil
	case int8:
		return Value{Type: TypeInt8, V: x}, nil
	case uint16:
		return Value{Type: TypeUint16, V: x}, nil
	case int16:
		return Value{Type: TypeInt16, V: x}, nil
	case uint32:
		return Value{Type: TypeUint32, V: x}, nil
	case int32:
		return Value{Type: TypeInt32, V: x}, nil
	case float32:
		return Value{Type: TypeFloat32, V: x}, nil
	case bool:
		return Value{Type: TypeBool, V: x}, nil
	case string:
		return Value{Type: TypeString, V: x}, nil
	case uint64:
		return Value{Type: TypeUint64, V: x}, nil
	case int64:
		return Value{Type: TypeInt64, V: x}, nil
	case float64:
		return Value{Type: TypeFloat64, V: x}, nil
	case []uint8:
		return Value{Type: TypeArray, Elem: TypeUint8, V: x}, nil
	case []int8:
		return Value{Type: TypeArray, Elem: TypeInt8, V: x}, nil
	case []uint16:
		return Value{Type: TypeArray, Elem: TypeUint16, V: x}, nil
	case []int16:
		return Value{Type: TypeArray, Elem: TypeInt16, V: x}, nil
	case []uint32:
		return Value{Type: TypeArray, Elem: TypeUint32, V: x}, nil
	case []int32:
		return Value{Type: TypeArray, Elem: TypeInt32, V: x}, nil
	case []float32:
		return Value{Type: TypeArray, Elem: TypeFloat32, V: x}, nil
	case []bool:
		return Value{Type: TypeArray, Elem: TypeBool, V: x}, nil
	case []string:
		return Value{Type: TypeArray, Elem: TypeString, V: x}, nil
	case []uint64:
		return Value{Type: TypeArray, Elem: TypeUint64, V: x}, nil
	case []int64:
		return Value{Type: TypeArray, Elem: TypeInt64, V: x}, nil
	case []float64:
		return Value{Type: TypeArray, Elem: TypeFloat64, V: x}, nil
	case []Value:
		for i, e := range x {
			if e.Type != TypeArray {
				return Value{}, fmt.Errorf("array of arrays: element %d is %v, not an array", i, e.Type)
			}
		}
		return Value{Type: TypeArray, Elem: TypeArray, V: x}, nil
	}
	return Value{}, fmt.Errorf("no GGUF metadata type for Go type %T", v)
}

// Len returns the number of elements of an array value, or 0.
func (v Value) Len() int {
	if v.Type != TypeArray {
		return 0
	}
	switch x := v.V.(type) {
	case []uint8:
		return len(x)
	case []int8:
		return len(x)
	case []uint16:
		return len(x)
	case []int16:
		return len(x)
	case []uint32:
		return len(x)
	case []int32:
		return len(x)
	case []float32:
		return len(x)
	case []bool:
		return len(x)
	case []string:
		return len(x)
	case []uint64:
		return len(x)
	case []int64:
		return len(x)
	case []float64:
		return len(x)
	case []Value:
		return len(x)
	}
	return 0
}
