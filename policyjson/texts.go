package policyjson

import (
	"reflect"
	"strings"
)

// MapTexts returns a deep copy of p in which every text is f(path, text):
// each language's string of every Text and every interface string in UI,
// with its JSON path ("categories[1].description.ja", "ui.en.acceptAll").
// Ids, URLs, hosts and the other plain strings are copied as they are. p is
// not changed. Uses: finding which texts end up where (the server marks
// them to see what its loader carries), rewriting texts for a test.
func (p *Policy) MapTexts(f func(path, text string) string) *Policy {
	var out Policy
	mapTexts(reflect.ValueOf(&out).Elem(), reflect.ValueOf(p).Elem(), "", f)
	return &out
}

// mapTexts copies src into dst. In a policy the strings held by maps are
// the texts (Text, and UI's per-language maps); every other string is
// copied.
func mapTexts(dst, src reflect.Value, path string, f func(path, text string) string) {
	switch src.Kind() {
	case reflect.Struct:
		for i := range src.NumField() {
			name, _, _ := strings.Cut(src.Type().Field(i).Tag.Get("json"), ",")
			mapTexts(dst.Field(i), src.Field(i), child(path, name), f)
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeSlice(src.Type(), src.Len(), src.Len()))
		for i := range src.Len() {
			mapTexts(dst.Index(i), src.Index(i), index(path, i), f)
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeMapWithSize(src.Type(), src.Len()))
		for it := src.MapRange(); it.Next(); {
			k, v := it.Key().String(), reflect.New(src.Type().Elem()).Elem()
			if v.Kind() == reflect.String {
				v.SetString(f(child(path, k), it.Value().String()))
			} else {
				mapTexts(v, it.Value(), child(path, k), f)
			}
			dst.SetMapIndex(it.Key(), v)
		}
	case reflect.Pointer:
		// *bool (consent.gpc, fields[].required): a copy of its own.
		if !src.IsNil() {
			dst.Set(reflect.New(src.Type().Elem()))
			dst.Elem().Set(src.Elem())
		}
	default:
		dst.Set(src)
	}
}
