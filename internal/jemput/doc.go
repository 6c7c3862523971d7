// Package jemput is enrollment drives ("jemput bola"): the office goes to
// a group of residents (journalists, the provincial or a kab/kota
// government's offices, civil servants, a school, a village, the public)
// at a place on given dates with some of its officers, checks in the
// people on the drive's roster and activates their digital ID on the spot.
//
// A drive's roster is imported from a CSV or XLSX file of NIKs, with an
// optional name column to cross-check (ParseRoster). As the SIAK import
// does, every bad row is reported with its line and reason (invalid NIK,
// duplicate, unknown NIK, outside the office's area, name that does not
// match the record, already on the roster) and the good rows are added;
// a file that cannot be read at all changes nothing.
//
// Activation itself is the console's ordinary flow on the resident's page.
// A roster entry counts as activated when the resident has a finished
// activation (SELESAI) from the drive's start to the end of its last day,
// done by one of the drive's officers or at the drive's office (the rule
// is store.JemputQueries.RekapJemput's). So nothing about the drive has
// to be carried through the activation, an activation at the office's own
// counter during the drive counts too, and one a week later does not.
//
// The figures (Figures): the roster, those checked in, those activated;
// the yield, activated over the roster and over those checked in; and
// activations per officer-hour, where officer-hours are the officers
// assigned times the drive's hours (its days times the hours of each day).
package jemput
