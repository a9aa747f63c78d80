package banner

// URLCategory is the non-required category whose services list the host of
// url (an absolute http(s) URL), or one of its parents: "www.a.jp", then
// "a.jp", then "jp", as the loader's host blocker walks it. A trailing dot
// and letter case change nothing. ok is false for a host no optional
// service lists, and for anything that is not an absolute http(s) URL.
func URLCategory(c *Config, url string) (id string, ok bool) {
	host := ""
	for _, scheme := range []string{"https://", "http://"} {
		if len(url) > len(scheme) && lowerASCII(url[:len(scheme)]) == scheme {
			host = url[len(scheme):]
		}
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c == '/' || c == '?' || c == '#' {
			host = host[:i]
			break
		}
	}
	if i := lastIndexByte(host, '@'); i >= 0 { // user:pass@host
		host = host[i+1:]
	}
	if i := lastIndexByte(host, ':'); i >= 0 && host[len(host)-1] != ']' {
		host = host[:i] // the port
	}
	host = lowerASCII(host)
	if n := len(host); n > 0 && host[n-1] == '.' {
		host = host[:n-1]
	}
	for host != "" {
		for _, cat := range c.Categories {
			if cat.Required {
				continue
			}
			for _, s := range cat.Services {
				if contains(s.Hosts, host) {
					return cat.ID, true
				}
			}
		}
		i := 0
		for i < len(host) && host[i] != '.' {
			i++
		}
		if i == len(host) {
			break
		}
		host = host[i+1:]
	}
	return "", false
}

func lastIndexByte(s string, b byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == b {
			return i
		}
	}
	return -1
}
