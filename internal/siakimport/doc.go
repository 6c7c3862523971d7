// Package siakimport is the engine behind `ikd import FILE.csv`: it streams a
// resident export from SIAK (docs/import.md), validates every row, and hands
// the good rows to a [Loader] in batches of one transaction each.
//
// The pieces, in the order data flows through them:
//
//   - [Reader] strips a UTF-8 byte-order mark, detects the separator (`,` or
//     `;`) from the header line, maps the header names to columns, and yields
//     records with their line numbers. It reuses one record slice, so reading
//     costs one string per line.
//   - The row parser checks every column and turns a record into a
//     [store.Penduduk] plus the family-card fields of that row. A bad row
//     becomes a [RowError] with its line, column, a stable code and a message
//     in Bahasa Indonesia and English. NIK warnings ([nik.Check],
//     [nik.CrossCheck]) never reject a row; they are counted per code.
//   - [Run] collects good rows into a [store.Batch] (one
//     [store.KartuKeluarga] per distinct Nomor KK), passes each full batch
//     to the Loader, writes rejected rows to the rejects file, and reports
//     progress through a [Progress].
//
// Memory stays flat: only one batch, a few dozen bytes per family card seen
// so far (its head, for the whole file) and the first [MaxErrors] row
// errors are kept. BenchmarkImportStream measures it.
//
// Crash model: each batch is one transaction and the store upserts by NIK
// and Nomor KK, so after a crash (kill -9 included) at any moment the
// committed batches stay, and re-running the same file ends with exactly
// the rows of the file.
package siakimport
