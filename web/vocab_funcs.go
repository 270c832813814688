package web

import "html/template"

// vocabFuncs are the template functions that show the vocabulary's codes
// in words.
func vocabFuncs() template.FuncMap {
	return template.FuncMap{}
}
