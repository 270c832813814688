package audits

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
)

// statusColours are the chart's colours by status column (Statuses
// order, then not yet reviewed): distinct in hue and lightness, so they
// can be told apart without colour vision, and each named in the table
// beside the chart.
var statusColours = []color.RGBA{
	{0, 112, 60, 255},    // completed: green
	{29, 112, 184, 255},  // meaningful progress: blue
	{244, 119, 56, 255},  // some progress: orange
	{212, 53, 28, 255},   // not started: red
	{80, 90, 95, 255},    // no longer applicable: grey
	{177, 180, 182, 255}, // not yet reviewed: light grey
}

// StatusColour is the chart colour of status column i as #rrggbb.
func StatusColour(i int) string {
	c := statusColours[i%len(statusColours)]
	const hex = "0123456789abcdef"
	b := []byte{'#', hex[c.R>>4], hex[c.R&15], hex[c.G>>4], hex[c.G&15], hex[c.B>>4], hex[c.B&15]}
	return string(b)
}

// Segment is one status's part of a priority's bar, as a share of the
// widest bar (0 to 100).
type Segment struct {
	Label  string
	Colour string
	Count  int
	X      float64
	Width  float64
}

// Bar is one priority's stacked bar.
type Bar struct {
	Label    string
	Total    int
	Y        int
	Segments []Segment
}

// Bars lays the table out as stacked horizontal bars, one per priority,
// scaled to the largest total: what the page's SVG and the PDF's image
// draw.
func (t StatusTable) Bars() []Bar {
	most := 1
	for _, r := range t.Rows {
		most = max(most, r.Total)
	}
	var out []Bar
	for i, r := range t.Rows {
		b := Bar{Label: r.Priority, Total: r.Total, Y: i * 40}
		x := 0.0
		for j, n := range r.Counts {
			if n == 0 {
				continue
			}
			w := 100 * float64(n) / float64(most)
			b.Segments = append(b.Segments, Segment{Label: t.Statuses[j], Colour: StatusColour(j), Count: n, X: x, Width: w})
			x += w
		}
		out = append(out, b)
	}
	return out
}

// PNG draws the bars as an image without text: the PDF names the
// priorities and statuses in the table beside it, in the report's
// language, which a bitmap font could not write in Welsh.
func (t StatusTable) PNG() ([]byte, error) {
	const w, rowH, barH, pad = 600, 60, 40, 10
	bars := t.Bars()
	h := len(bars)*rowH + pad
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	axis := color.RGBA{80, 90, 95, 255}
	draw.Draw(img, image.Rect(0, 0, 2, h), &image.Uniform{axis}, image.Point{}, draw.Src)
	for i, b := range bars {
		y := pad + i*rowH
		for _, s := range b.Segments {
			j := 0
			for k, l := range t.Statuses {
				if l == s.Label {
					j = k
				}
			}
			x0 := 2 + int(s.X*float64(w-4)/100)
			x1 := 2 + int((s.X+s.Width)*float64(w-4)/100)
			draw.Draw(img, image.Rect(x0, y, x1, y+barH), &image.Uniform{statusColours[j]}, image.Point{}, draw.Src)
			// A white gap between segments keeps neighbours apart.
			draw.Draw(img, image.Rect(x1-1, y, x1, y+barH), &image.Uniform{color.White}, image.Point{}, draw.Src)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SVGChart is the table laid out for an inline SVG: one labelled bar per
// priority and a legend, in pixels of its viewBox.
type SVGChart struct {
	Width, Height int
	Bars          []SVGBar
	Legend        []SVGLegend
}

// SVGBar is one priority's bar: its label and segments.
type SVGBar struct {
	Label  string
	LabelY int
	Y      int
	Rects  []SVGRect
}

// SVGRect is one status's segment of a bar; Title says it in words.
type SVGRect struct {
	X, W  float64
	Y     int
	Fill  string
	Title string
}

// SVGLegend is one status of the legend.
type SVGLegend struct {
	X, Y         int
	TextX, TextY int
	Fill         string
	Label        string
}

// SVG lays the table out for an inline SVG chart.
func (t StatusTable) SVG() SVGChart {
	const left, right, rowH, barH = 150, 580, 36, 24
	c := SVGChart{Width: 600}
	bars := t.Bars()
	for i, b := range bars {
		y := 10 + i*rowH
		sb := SVGBar{Label: b.Label, LabelY: y + barH/2, Y: y}
		for _, s := range b.Segments {
			sb.Rects = append(sb.Rects, SVGRect{X: left + s.X*(right-left)/100, W: s.Width * (right - left) / 100, Y: y, Fill: s.Colour,
				Title: s.Label + ": " + itoa(s.Count)})
		}
		c.Bars = append(c.Bars, sb)
	}
	y := 10 + len(bars)*rowH + 10
	for i, s := range t.Statuses {
		col, row := i%3, i/3
		c.Legend = append(c.Legend, SVGLegend{X: 10 + col*195, Y: y + row*24, TextX: 30 + col*195, TextY: y + row*24 + 11, Fill: StatusColour(i), Label: s})
	}
	c.Height = y + ((len(t.Statuses)+2)/3)*24 + 6
	return c
}

func itoa(n int) string { return strconv.Itoa(n) }
