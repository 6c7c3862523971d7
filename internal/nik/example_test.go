package nik_test

import (
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/wilayah"
)

func ExampleParse() {
	info, err := nik.Parse("1771015708900001")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("issued in %s, sex %c, born %02d-%02d-%02d, serial %04d\n",
		info.Kecamatan, info.Sex, info.Day, info.Month, info.YY, info.Serial)

	_, err = nik.Parse("1771013208900001")
	fmt.Println(errs.Message(err, "en", ""))
	fmt.Println(errs.Message(err, "id", ""))
	// Output:
	// issued in 17.71.01, sex P, born 17-08-90, serial 0001
	// The birth day in the NIK (digits 7–8) must be 01–31, or 41–71 for a woman, not 32.
	// Tanggal lahir pada NIK (digit 7–8) harus 01–31, atau 41–71 untuk perempuan, bukan 32.
}

func ExampleMask() {
	fmt.Println(nik.Mask("1771015708900001"))
	fmt.Println(nik.Mask("177101570890001")) // 15 digits: starred completely
	fmt.Printf("%q\n", nik.Mask(""))
	// Output:
	// 1771********0001
	// ***************
	// ""
}

func ExampleInfo_BirthDate() {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"1771011708050001", "1771011708300001", "1771011712260001"} {
		info, _ := nik.Parse(s)
		fmt.Println(info.BirthDate(now).Format(time.DateOnly))
	}
	// Output:
	// 2005-08-17
	// 1930-08-17
	// 1926-12-17
}

func ExampleCheck() {
	info, _ := nik.Parse("1702031203850004")
	for _, w := range nik.Check(info, wilayah.Default()) {
		fmt.Println(w.Code+":", w.Message("en"))
	}
	// Output:
	// retired_kecamatan: The kecamatan code 17.02.03 in the NIK is retired (an old code).
}

func ExampleCrossCheck() {
	info, _ := nik.Parse("1771015708900001")
	recorded := time.Date(1990, 8, 18, 0, 0, 0, 0, time.UTC)
	for _, w := range nik.CrossCheck(info, nik.Female, recorded) {
		fmt.Println(w.Code+":", w.Message("id"))
	}
	// Output:
	// birthdate_mismatch: Tanggal lahir pada NIK berbeda dengan biodata (beda: tanggal). NIK tidak diubah; periksa biodata.
}
