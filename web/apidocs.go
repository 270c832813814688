package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/gorilla/mux"
	yaml "go.yaml.in/yaml/v3"

	"github.com/campaignwatch/campaignwatch/web/openapi"
)

// registerAPIDocsRoutes serves the OpenAPI description and its rendering
// for people, to staff only: they describe staff-only operations, and the
// page is in English, which a page the public reads may not be. An
// integrator reads them with the API token they are given.
func (s *Server) registerAPIDocsRoutes(r, api *mux.Router) {
	api.Handle("/openapi.yaml", s.allowFunc(anyStaff, s.handleOpenAPI)).Methods(http.MethodGet)
	r.Handle(apiDocsPath, s.allowFunc(anyStaff, s.handleAPIDocs)).Methods(http.MethodGet)
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(openapi.Spec)
}

// handleAPIDocs renders the description server-side, so the page needs no
// script, no CDN and no change to the content security policy.
func (s *Server) handleAPIDocs(w http.ResponseWriter, r *http.Request) {
	doc, err := embeddedAPIDocs()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "api_docs", page{Lang: langEnglish, Data: doc})
}

// embeddedAPIDocs reads the embedded description once: it cannot change
// while the binary runs.
var embeddedAPIDocs = sync.OnceValues(func() (*apiDoc, error) { return apiDocsOf(openapi.Spec) })

// apiDoc is the description as the page shows it.
type apiDoc struct {
	Title, Version string
	Description    []apiText
	Security       []apiSecurity
	Tags           []apiTag
	Schemas        []apiSchema
}

type apiSecurity struct {
	Name, Kind  string
	Description apiText
}

type apiTag struct {
	Name        string
	Description apiText
	Ops         []apiOp
}

type apiOp struct {
	ID, Method, Path, Summary string
	Description               []apiText
	Auth                      string
	Params                    []apiParam
	Body                      *apiSchemaUse
	Responses                 []apiResponse
}

type apiParam struct {
	Name, In, Type string
	Description    apiText
	Required       bool
	Values         []apiValue
}

type apiValue struct{ Code, Meaning string }

type apiResponse struct {
	Status      string
	Description apiText
	Body        *apiSchemaUse
}

// apiSchemaUse is a body: a link to a named schema, or its fields shown
// in place when it has no name.
type apiSchemaUse struct {
	MediaType string
	Ref       string
	Type      string
	Props     []apiProp
}

type apiSchema struct {
	Name        string
	Description apiText
	Props       []apiProp
	Values      []apiValue
	Type        string
}

type apiProp struct {
	Name, Type, Ref string
	Description     apiText
	Required        bool
	Values          []apiValue
}

// apiDocsOf reads the YAML description into what the page shows.
func apiDocsOf(spec []byte) (*apiDoc, error) {
	var root map[string]any
	if err := yaml.Unmarshal(spec, &root); err != nil {
		return nil, fmt.Errorf("read the OpenAPI description: %w", err)
	}
	info := mapOf(root["info"])
	comps := mapOf(root["components"])
	schemas := mapOf(comps["schemas"])
	params := mapOf(comps["parameters"])
	resps := mapOf(comps["responses"])
	d := &apiDoc{Title: str(info["title"]), Version: str(info["version"]), Description: paragraphs(str(info["description"]))}
	sec := mapOf(comps["securitySchemes"])
	for _, name := range sortedKeys(sec) {
		m := mapOf(sec[name])
		kind := str(m["type"])
		switch kind {
		case "http":
			kind = "HTTP " + str(m["scheme"]) + " token"
		case "apiKey":
			kind = fmt.Sprintf("%s %s", str(m["name"]), map[string]string{"cookie": "cookie", "header": "header", "query": "query parameter"}[str(m["in"])])
		}
		d.Security = append(d.Security, apiSecurity{Name: name, Kind: kind, Description: apiText(str(m["description"]))})
	}
	tagIndex := map[string]int{}
	for _, t := range listOf(root["tags"]) {
		m := mapOf(t)
		tagIndex[str(m["name"])] = len(d.Tags)
		d.Tags = append(d.Tags, apiTag{Name: str(m["name"]), Description: apiText(str(m["description"]))})
	}
	defaultAuth := authText(listOf(root["security"]))
	paths := mapOf(root["paths"])
	for _, p := range sortedKeys(paths) {
		item := mapOf(paths[p])
		shared := listOf(item["parameters"])
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			op := mapOf(item[method])
			if op == nil {
				continue
			}
			o := apiOp{ID: str(op["operationId"]), Method: strings.ToUpper(method), Path: p, Summary: str(op["summary"]),
				Description: paragraphs(str(op["description"])), Auth: defaultAuth}
			if sec, ok := op["security"]; ok {
				o.Auth = authText(listOf(sec))
			}
			for _, pr := range append(append([]any{}, shared...), listOf(op["parameters"])...) {
				pm := mapOf(pr)
				if ref := str(pm["$ref"]); ref != "" {
					pm = mapOf(params[refName(ref)])
				}
				sch := mapOf(pm["schema"])
				typ, _ := typeOf(sch)
				vals := valuesOf(sch, schemas)
				o.Params = append(o.Params, apiParam{Name: str(pm["name"]), In: str(pm["in"]), Type: typ,
					Description: apiText(str(pm["description"])), Required: pm["required"] == true, Values: vals})
			}
			if rb := mapOf(op["requestBody"]); rb != nil {
				o.Body = bodyOf(mapOf(rb["content"]), schemas)
			}
			rs := mapOf(op["responses"])
			for _, code := range sortedKeys(rs) {
				rm := mapOf(rs[code])
				if ref := str(rm["$ref"]); ref != "" {
					rm = mapOf(resps[refName(ref)])
				}
				o.Responses = append(o.Responses, apiResponse{Status: code + " " + http.StatusText(atoi(code)),
					Description: apiText(str(rm["description"])), Body: bodyOf(mapOf(rm["content"]), schemas)})
			}
			tags := listOf(op["tags"])
			tag := "Other"
			if len(tags) > 0 {
				tag = str(tags[0])
			}
			i, ok := tagIndex[tag]
			if !ok {
				i = len(d.Tags)
				tagIndex[tag] = i
				d.Tags = append(d.Tags, apiTag{Name: tag})
			}
			d.Tags[i].Ops = append(d.Tags[i].Ops, o)
		}
	}
	for _, name := range sortedKeys(schemas) {
		m := mapOf(schemas[name])
		typ, _ := typeOf(m)
		d.Schemas = append(d.Schemas, apiSchema{Name: name, Description: apiText(str(m["description"])), Type: typ,
			Props: propsOf(m, schemas, ""), Values: valuesOf(m, schemas)})
	}
	return d, nil
}

// authText says in words who may call an operation.
func authText(reqs []any) string {
	var ways []string
	for _, r := range reqs {
		m := mapOf(r)
		if len(m) == 0 {
			ways = append(ways, "no sign-in needed")
			continue
		}
		var parts []string
		for _, k := range []string{"bearerToken", "sessionCookie", "csrfHeader"} {
			if _, ok := m[k]; ok {
				parts = append(parts, map[string]string{"bearerToken": "a bearer API token", "sessionCookie": "the session cookie",
					"csrfHeader": "the X-CSRF-Token header"}[k])
			}
		}
		ways = append(ways, strings.Join(parts, " with "))
	}
	return strings.Join(ways, "; or ")
}

func bodyOf(content map[string]any, schemas map[string]any) *apiSchemaUse {
	for _, mt := range sortedKeys(content) {
		sch := mapOf(mapOf(content[mt])["schema"])
		u := &apiSchemaUse{MediaType: mt}
		if ref := str(sch["$ref"]); ref != "" {
			u.Ref = refName(ref)
		} else {
			u.Type, _ = typeOf(sch)
			u.Props = propsOf(sch, schemas, "")
		}
		return u
	}
	return nil
}

// propsOf lists a schema's fields, those of its allOf parts included and
// those of unnamed nested objects under dotted names.
func propsOf(sch map[string]any, schemas map[string]any, prefix string) []apiProp {
	var out []apiProp
	for _, part := range listOf(sch["allOf"]) {
		pm := mapOf(part)
		if ref := str(pm["$ref"]); ref != "" {
			pm = mapOf(schemas[refName(ref)])
		}
		out = append(out, propsOf(pm, schemas, prefix)...)
	}
	required := map[string]bool{}
	for _, r := range listOf(sch["required"]) {
		required[str(r)] = true
	}
	props := mapOf(sch["properties"])
	for _, name := range sortedKeys(props) {
		pm := mapOf(props[name])
		typ, ref := typeOf(pm)
		out = append(out, apiProp{Name: prefix + name, Type: typ, Ref: ref, Description: apiText(str(pm["description"])),
			Required: required[name], Values: valuesOf(pm, schemas)})
		if ref == "" {
			nested := pm
			if items := mapOf(pm["items"]); items != nil && str(items["$ref"]) == "" {
				nested = items
			}
			if mapOf(nested["properties"]) != nil {
				out = append(out, propsOf(nested, schemas, prefix+name+".")...)
			}
		}
	}
	return out
}

// typeOf names a schema's type in words, and the named schema it or its
// items refer to (for a link).
func typeOf(sch map[string]any) (string, string) {
	if ref := str(sch["$ref"]); ref != "" {
		return refName(ref), refName(ref)
	}
	for _, alt := range listOf(sch["oneOf"]) {
		if ref := str(mapOf(alt)["$ref"]); ref != "" {
			return refName(ref) + " or null", refName(ref)
		}
	}
	var types []string
	switch t := sch["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, str(x))
		}
	}
	ref := ""
	for i, t := range types {
		switch t {
		case "array":
			it, r := typeOf(mapOf(sch["items"]))
			if it == "" {
				it = "value"
			}
			if !strings.HasSuffix(it, "s") && !strings.Contains(it, " ") {
				it += "s"
			}
			types[i], ref = "list of "+it, r
		case "string":
			if str(sch["format"]) == "date-time" {
				types[i] = "date and time (RFC 3339)"
			}
		}
	}
	return strings.Join(types, " or "), ref
}

// valuesOf lists the allowed values of an enumerated schema with their
// meanings (oneOf of const and title), following a reference.
func valuesOf(sch map[string]any, schemas map[string]any) []apiValue {
	if ref := str(sch["$ref"]); ref != "" {
		return nil // shown with the named schema
	}
	var out []apiValue
	for _, alt := range listOf(sch["oneOf"]) {
		m := mapOf(alt)
		if c, ok := m["const"]; ok {
			out = append(out, apiValue{Code: str(c), Meaning: str(m["title"])})
		}
	}
	for _, e := range listOf(sch["enum"]) {
		out = append(out, apiValue{Code: str(e)})
	}
	return out
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }
func listOf(v any) []any         { l, _ := v.([]any); return l }

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// paragraphs splits a description at its blank lines, joining the lines
// of each paragraph.
func paragraphs(s string) []apiText {
	var out []apiText
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, apiText(p))
		}
	}
	return out
}

// apiText is a description; HTML shows its `code` spans as code.
type apiText string

// HTML is the text, escaped, with its code spans marked up.
func (t apiText) HTML() template.HTML { return inlineCode(string(t)) }

// inlineCode shows the description's `code` spans as code, escaping the
// rest.
func inlineCode(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(part))
		}
	}
	return template.HTML(b.String())
}
