package kredensial

import "testing"

func TestEveryReasonHasMessages(t *testing.T) {
	seen := map[Reason]bool{}
	for _, r := range Reasons {
		if seen[r] {
			t.Errorf("%s listed twice", r)
		}
		seen[r] = true
		id, en := r.Message("id"), r.Message("en")
		if id == string(r) || en == string(r) || id == en {
			t.Errorf("%s: messages %q / %q", r, id, en)
		}
	}
	if len(messages) != len(Reasons) {
		t.Errorf("%d messages for %d reasons", len(messages), len(Reasons))
	}
}
