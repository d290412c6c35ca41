#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) in build/fuzz and runs the Parquet
# reader fuzzer for SECONDS (default 60), starting from files tarn and DuckDB write.
# A crash leaves its input in build/fuzz/ and fails this script: add it as a test.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/.."
root=$(pwd)

cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DTARN_FUZZ=ON -DTARN_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --target parquet_reader_fuzzer >/dev/null

corpus=build/fuzz/corpus/parquet
mkdir -p "$corpus"
tarn=""
for candidate in build/asan/src/cli/tarn build/release/src/cli/tarn build/debug/src/cli/tarn; do
  [ -x "$candidate" ] && tarn=$root/$candidate && break
done
if [ -n "$tarn" ] && [ -z "$(ls -A "$corpus")" ]; then
  seeds=$(mktemp -d)
  printf 'id,name,amount,day,ok\n1,a,1.5,2024-01-01,true\n2,,-2.25,1969-12-31,false\n3,"x,y",,2300-01-01,\n' >"$seeds/s.csv"
  for codec in zstd snappy gzip none; do
    "$tarn" convert "$seeds/s.csv" "$corpus/tarn-$codec.parquet" --compression "$codec" \
      --schema 'id:long,name:string?,amount:decimal(10,2)?,day:date?,ok:boolean?' >/dev/null
  done
  if [ -d node_modules/@duckdb ]; then
    node -e "import('@duckdb/node-api').then(async ({DuckDBInstance}) => {
      const c = await (await DuckDBInstance.create(':memory:')).connect();
      await c.run(\"COPY (SELECT range AS i, 'v' || (range % 7) AS s, range / 3.0 AS d FROM range(50)) TO '$root/$corpus/duck-v2.parquet' (FORMAT parquet, PARQUET_VERSION v2)\");
    })"
  fi
  rm -rf "$seeds"
fi
echo "fuzz: parquet reader for ${seconds}s from $(ls "$corpus" | wc -l) seed files"
cd build/fuzz
./tests/fuzz/parquet_reader_fuzzer -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=0 "$root/$corpus" 2>fuzz.log || {
  tail -n 60 fuzz.log
  echo "fuzz: the Parquet reader failed on an input (saved in build/fuzz/, log in build/fuzz/fuzz.log)" >&2
  exit 1
}
grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" fuzz.log | tail -n 1 | sed 's/^/fuzz: /'
