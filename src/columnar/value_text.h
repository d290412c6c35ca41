// Text forms of values, shared by the CSV and JSON-lines codecs and the `tarn` commands:
//   boolean      true / false (reading also accepts t, f, yes, no, 1, 0, any case)
//   int, long    decimal integers, range-checked
//   float/double shortest round-trip text; NaN, Infinity, -Infinity
//   decimal(P,S) exact digits, e.g. -12.30; never through floating point
//   date         YYYY-MM-DD (proleptic Gregorian, any year; "-0044-03-15", "+10000-01-01")
//   time         HH:MM:SS[.ffffff]
//   timestamp    YYYY-MM-DDTHH:MM:SS[.ffffff] (a space may replace the T when reading)
//   timestamptz  the same with Z or an offset (+02:00) when reading; written in UTC with Z
//   string       as is; binary and fixed[N] as lower-case hex; uuid in canonical form
#pragma once

#include <string>
#include <string_view>

#include "columnar/column.h"

namespace tarn {

// Parses `text` as a value of `type` and appends it to `out`. kInvalidArgument says why
// ("cannot read 'abc' as long").
Status AppendText(std::string_view text, const DataType& type, Column* out);

// Appends the text form of row `row` of `column` (which must be valid) to `out`.
void FormatValue(const Column& column, size_t row, std::string* out);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t year, int month, int day);
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);

}  // namespace tarn
