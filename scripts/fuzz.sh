#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) in build/fuzz and runs them for
# SECONDS in all (default 60): the Parquet reader two thirds of it, from files tarn and DuckDB
# write, and the Avro reader one third, from files python3-avro writes.
# A crash leaves its input in build/fuzz/ and fails this script: add it as a test.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/.."
root=$(pwd)

cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DTARN_FUZZ=ON -DTARN_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --target parquet_reader_fuzzer avro_reader_fuzzer >/dev/null

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
avro_corpus=build/fuzz/corpus/avro
mkdir -p "$avro_corpus"
if [ -z "$(ls -A "$avro_corpus")" ]; then
  seeds=$(mktemp -d)
  echo '{"type":"record","name":"manifest_file","fields":[
    {"name":"manifest_path","type":"string","field-id":500},
    {"name":"added_files_count","type":"int","field-id":504},
    {"name":"partitions","type":["null",{"type":"array","element-id":508,"items":{"type":"record",
      "name":"r508","fields":[{"name":"contains_null","type":"boolean","field-id":509},
      {"name":"lower_bound","type":["null","bytes"],"default":null,"field-id":510}]}}],
      "default":null,"field-id":507},
    {"name":"sizes","type":{"type":"map","values":"long"}},
    {"name":"f","type":{"type":"fixed","name":"f4","size":4}},
    {"name":"d","type":"double"}]}' >"$seeds/schema.json"
  echo '[{"manifest_path":"s3://b/m1.avro","added_files_count":3,"partitions":[{"contains_null":
    false,"lower_bound":{"$bytes":"01000000"}}],"sizes":{"a":1},"f":{"$bytes":"00010203"},"d":1.5},
    {"manifest_path":"","added_files_count":-1,"partitions":null,"sizes":{},
    "f":{"$bytes":"ffffffff"},"d":-0.0}]' >"$seeds/records.json"
  for codec in null deflate; do
    /usr/bin/python3 tests/support/avro_judge.py write "$avro_corpus/seed-$codec.avro" "$codec" \
      "$seeds/schema.json" "$seeds/records.json" 1 >/dev/null
  done
  rm -rf "$seeds"
fi

# run_fuzzer NAME SECONDS CORPUS MAX_LEN
run_fuzzer() {
  echo "fuzz: $1 for ${2}s from $(ls "$3" | wc -l) seed files"
  (cd build/fuzz && ./tests/fuzz/"$1" -max_total_time="$2" -max_len="$4" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=0 "$root/$3" 2>"$1.log") || {
    tail -n 60 "build/fuzz/$1.log"
    echo "fuzz: $1 failed on an input (saved in build/fuzz/, log in build/fuzz/$1.log)" >&2
    exit 1
  }
  grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "build/fuzz/$1.log" | tail -n 1 | sed 's/^/fuzz: /'
}
run_fuzzer parquet_reader_fuzzer $((seconds * 2 / 3)) "$corpus" 65536
run_fuzzer avro_reader_fuzzer $((seconds - seconds * 2 / 3)) "$avro_corpus" 16384
