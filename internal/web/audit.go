package web

import "strings"

// ConsolePurpose prefixes the purposes the officer console records in the
// audit log ("konsol: layanan").
const ConsolePurpose = "konsol: "

// Label is the text of key in lang, or "" when the catalogue has none.
func Label(lang, key string) string {
	if s := T(lang, key); s != key {
		return s
	}
	return ""
}

// ActionText is what an audit action says to a person: its text
// ("audit.<action>") in lang, or the action itself when it has none.
func ActionText(lang, action string) string {
	if s := Label(lang, "audit."+action); s != "" {
		return s
	}
	return action
}

// PurposeText shows a recorded purpose: the console's purposes ("konsol:
// layanan") by their text, others as recorded.
func PurposeText(lang, recorded string) string {
	if key, ok := strings.CutPrefix(recorded, ConsolePurpose); ok {
		if s := Label(lang, "tujuan."+key); s != "" {
			return T(lang, "konsol.tujuan.prefix") + ": " + s
		}
	}
	return recorded
}
