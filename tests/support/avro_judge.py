#!/usr/bin/python3
"""An independent Avro reader and writer for tarn's tests: Debian's python3-avro (the Apache
Avro reference implementation for Python, strict about schemas).

  avro_judge.py read FILE
      -> {"schema": <the writer schema as python-avro parsed it>, "meta": {key: text},
          "records": [...]}
  avro_judge.py write OUT CODEC SCHEMA_JSON_FILE RECORDS_JSON_FILE [RECORDS_PER_BLOCK]

Byte strings (bytes, fixed) travel in JSON as {"$bytes": "<hex>"}. Errors print
{"error": "..."} and exit 1.
"""
import json
import sys

import avro.datafile
import avro.io
import avro.schema


def to_json(value):
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def from_json(value):
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return bytes.fromhex(value["$bytes"])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def read(path):
    with open(path, "rb") as f:
        reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
        meta = {k: v.decode("utf-8", "replace") for k, v in reader.meta.items()}
        schema = avro.schema.parse(meta["avro.schema"]).to_json()
        records = [to_json(r) for r in reader]
        reader.close()
    return {"schema": schema, "meta": meta, "records": records}


def write(out, codec, schema_path, records_path, per_block=0):
    with open(schema_path) as f:
        schema = avro.schema.parse(f.read())
    with open(records_path) as f:
        records = from_json(json.load(f))
    with open(out, "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec=codec)
        writer.set_meta("judge", b"python3-avro")
        for i, record in enumerate(records):
            writer.append(record)
            if per_block and (i + 1) % per_block == 0:
                writer.sync()
        writer.close()
    return {"written": len(records)}


def main():
    try:
        if sys.argv[1] == "read":
            result = read(sys.argv[2])
        else:
            per_block = int(sys.argv[6]) if len(sys.argv) > 6 else 0
            result = write(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], per_block)
    except Exception as e:  # the judge reports, the test decides
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        sys.exit(1)
    print(json.dumps(result))


main()
