package review

import (
	"encoding/binary"
	"hash/fnv"
	"strings"
	"unicode"
)

// Text similarity settings. Five-word shingles make a reworded sentence
// differ while a template sent to thousands (with only a name changed)
// stays near-identical; 0.8 Jaccard is "the same message".
const (
	ShingleWords        = 5
	SimilarityThreshold = 0.8
	// MinClusterWords is the shortest message compared at all: short
	// texts ("Vote Green on Thursday") are too generic to mean a campaign.
	MinClusterWords = 8

	minHashes = 64
	bandRows  = 4
	bands     = minHashes / bandRows
)

// words splits text into lower-case words of letters and digits, so
// punctuation, line breaks and capitals do not make two copies differ.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Shingles returns the set of ShingleWords-word shingles of text, hashed.
// Text with fewer words than MinClusterWords has none.
func Shingles(text string) map[uint64]struct{} {
	w := words(text)
	if len(w) < MinClusterWords {
		return nil
	}
	set := make(map[uint64]struct{}, len(w))
	h := fnv.New64a()
	for i := 0; i+ShingleWords <= len(w); i++ {
		h.Reset()
		for _, x := range w[i : i+ShingleWords] {
			h.Write([]byte(x))
			h.Write([]byte{0})
		}
		set[h.Sum64()] = struct{}{}
	}
	return set
}

// Jaccard is |a ∩ b| / |a ∪ b|; two empty sets are not similar.
func Jaccard(a, b map[uint64]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for k := range a {
		if _, ok := b[k]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// mix is SplitMix64's finaliser: a cheap, well-spread 64-bit hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Bands returns the locality-sensitive hashing bands of the shingle set's
// MinHash signature. Two sets with Jaccard similarity s share at least one
// band with probability 1-(1-s^4)^16: 0.9998 at 0.8, 0.64 at 0.5, 0.02 at
// 0.2, so candidates are found reliably and few false ones are checked.
func Bands(set map[uint64]struct{}) []int64 {
	if len(set) == 0 {
		return nil
	}
	var sig [minHashes]uint64
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	for k := range set {
		for i := range sig {
			if v := mix(k ^ (uint64(i+1) * 0x9e3779b97f4a7c15)); v < sig[i] {
				sig[i] = v
			}
		}
	}
	out := make([]int64, bands)
	var buf [8]byte
	h := fnv.New64a()
	for b := 0; b < bands; b++ {
		h.Reset()
		binary.LittleEndian.PutUint64(buf[:], uint64(b))
		h.Write(buf[:])
		for _, v := range sig[b*bandRows : (b+1)*bandRows] {
			binary.LittleEndian.PutUint64(buf[:], v)
			h.Write(buf[:])
		}
		out[b] = int64(h.Sum64())
	}
	return out
}
