package kernels

// BatchDownloader is implemented by backends that can read several tensors
// back in one wait for the device (WebGPU: a copy of each into one staging
// buffer, one map), where a Download each would wait once each. In a
// browser one wait is a round trip to the GPU process.
type BatchDownloader interface {
	// DownloadAll is Download of each of ts, in order.
	DownloadAll(ts ...Tensor) ([][]float32, error)
}

// DownloadAll reads ts back from b: in one wait when b implements
// BatchDownloader, else one Download after another.
func DownloadAll(b Backend, ts ...Tensor) ([][]float32, error) {
	if d, ok := b.(BatchDownloader); ok {
		return d.DownloadAll(ts...)
	}
	out := make([][]float32, len(ts))
	for i, t := range ts {
		v, err := b.Download(t)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
