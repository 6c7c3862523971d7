package demo

// rng is a SplitMix64 generator: tiny, fast, and fully specified here, so
// the demo does not depend on the standard library keeping the sequences of
// math/rand stable across Go releases.
type rng struct{ s uint64 }

// newRNG returns the stream for one key (a kecamatan code, a NIK) under a
// seed. Streams for different keys are independent for practical purposes.
func newRNG(seed int64, key string) *rng {
	r := &rng{s: uint64(seed) ^ fnv64(key)}
	r.u64() // decorrelate seeds that differ in a few bits
	return r
}

// fnv64 is FNV-1a over s.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (r *rng) u64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn returns a number in [0, n) for 0 < n < 2^32.
func (r *rng) intn(n int) int {
	return int((r.u64() >> 32) * uint64(n) >> 32)
}

// between returns a number in [lo, hi]; lo when hi < lo.
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// chance returns true with probability p.
func (r *rng) chance(p float64) bool {
	return float64(r.u64()>>11)*(1.0/(1<<53)) < p
}

// weights is a discrete distribution over 0..n-1 given integer weights.
type weights struct {
	cum   []int32
	total int
}

func newWeights(w ...int) weights {
	ws := weights{cum: make([]int32, len(w))}
	for i, x := range w {
		ws.total += x
		ws.cum[i] = int32(ws.total)
	}
	return ws
}

// pick draws an index from w.
func (r *rng) pick(w *weights) int {
	x := int32(r.intn(w.total))
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// choice is a weighted list of values.
type choice[T any] struct {
	items []T
	w     weights
}

// newChoice builds a choice from values and their weights, in order.
func newChoice[T any](items []T, w ...int) choice[T] {
	if len(items) != len(w) {
		panic("demo: choice needs one weight per item")
	}
	return choice[T]{items: items, w: newWeights(w...)}
}

func pickC[T any](r *rng, c *choice[T]) T { return c.items[r.pick(&c.w)] }

// one returns a uniformly chosen element of list.
func one[T any](r *rng, list []T) T { return list[r.intn(len(list))] }
