#!/usr/bin/env bash
# Rebuilds the teaching samples in samples/: compiles every object with the pinned commands in
# each sample.json ("compile"), links it with GNU ld ("ld"), runs runnable programs and records
# what really happened (ld's exit status and message, the program's exit status and stdout)
# into sample.json's "expected", then writes samples/index.json for the UI gallery.
# It never types an expected value by hand: every recorded value comes from running the tools.
#
#   scripts/build-samples.sh                      rebuild, link, run, record (commit the results)
#   scripts/build-samples.sh --objects-only DIR   only compile into DIR/<id>/ (the drift test uses this)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
samples="$root/samples"
# Gallery order: simplest first, the mini kernel last.
SAMPLES=(two-files undefined-reference weak-strong common-symbols got-relax tls-static gc-sections merge-strings start-stop mini-kernel)

objects_only=""
if [ "${1:-}" = "--objects-only" ]; then
  [ $# -eq 2 ] || { echo "usage: $0 [--objects-only DIR]" >&2; exit 2; }
  objects_only="$(mkdir -p "$2" && cd "$2" && pwd)"
elif [ $# -ne 0 ]; then
  echo "usage: $0 [--objects-only DIR]" >&2
  exit 2
fi

# Prints one field of a sample.json: arrays of strings as one line separated by \x1f,
# arrays of arrays as one such line per inner array, scalars as text.
json_field() {
  node -e '
    const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]];
    const line = (a) => a.join("\x1f");
    if (Array.isArray(v)) console.log(Array.isArray(v[0]) ? v.map(line).join("\n") : line(v));
    else if (v !== undefined) console.log(String(v));
  ' "$1" "$2"
}

# Sources are compiled in a scratch copy of samples/ so relative paths (and the STT_FILE names
# the compiler records) are identical wherever the objects end up.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/samples"
cp -r "$samples/runtime" "$work/samples/"

compile_sample() { # id
  local id="$1" dir="$work/samples/$1" cmd
  mkdir -p "$dir"
  find "$samples/$id" -maxdepth 1 -type f ! -name '*.o' -exec cp {} "$dir/" \;
  while IFS=$'\x1f' read -ra cmd; do
    [ ${#cmd[@]} -gt 0 ] || continue
    (cd "$dir" && "${cmd[@]}")
  done < <(json_field "$samples/$id/sample.json" compile)
}

# Links with GNU ld and runs the result; writes the observations to $dir/.observed.json.
link_and_run() { # id
  local id="$1" dir="$work/samples/$1" args output runnable link_status=0 run_status=0
  IFS=$'\x1f' read -ra args < <(json_field "$samples/$id/sample.json" ld)
  output="$(json_field "$samples/$id/sample.json" output)"
  runnable="$(json_field "$samples/$id/sample.json" runnable)"
  (cd "$dir" && ld "${args[@]}" >"$dir/.ld.out" 2>"$dir/.ld.err") || link_status=$?
  : >"$dir/.run.out"
  if [ "$link_status" -eq 0 ] && [ "$runnable" = "true" ]; then
    (cd "$dir" && timeout 10 "./$output" >"$dir/.run.out" </dev/null) || run_status=$?
  fi
  node -e '
    const fs = require("fs");
    const [dir, linkStatus, runStatus, runnable] = process.argv.slice(1);
    const observed = { link: { exitCode: Number(linkStatus), stderr: fs.readFileSync(dir + "/.ld.err", "latin1") } };
    if (runnable === "true" && observed.link.exitCode === 0)
      observed.run = { exitCode: Number(runStatus), stdout: fs.readFileSync(dir + "/.run.out", "latin1") };
    fs.writeFileSync(dir + "/.observed.json", JSON.stringify(observed));
  ' "$dir" "$link_status" "$run_status" "$runnable"
}

# Rewrites sample.json with "expected" replaced by the observations; arrays of strings stay on one line.
record_expected() { # id
  node -e '
    const fs = require("fs");
    const [file, observedFile] = process.argv.slice(1);
    const sample = JSON.parse(fs.readFileSync(file, "utf8"));
    sample.expected = JSON.parse(fs.readFileSync(observedFile, "utf8"));
    const flat = (v) => Array.isArray(v) && v.every((x) => typeof x !== "object");
    const inline = (v) => "[" + v.map((x) => JSON.stringify(x)).join(", ") + "]";
    const text = JSON.stringify(sample, (k, v) => (flat(v) ? "\u0000" + inline(v) : v), 2)
      .replace(/"\\u0000(.*)"/g, (_, s) => JSON.parse("\"" + s + "\""));
    fs.writeFileSync(file, text + "\n");
  ' "$samples/$1/sample.json" "$work/samples/$1/.observed.json"
}

write_index() {
  node -e '
    const fs = require("fs");
    const [dir, ...ids] = process.argv.slice(1);
    const index = ids.map((id) => {
      const s = JSON.parse(fs.readFileSync(`${dir}/${id}/sample.json`, "utf8"));
      return { id: s.id, title: s.title, description: s.description, runnable: s.runnable };
    });
    fs.writeFileSync(`${dir}/index.json`, JSON.stringify({ samples: index }, null, 2) + "\n");
  ' "$samples" "${SAMPLES[@]}"
}

for id in "${SAMPLES[@]}"; do
  compile_sample "$id"
  if [ -n "$objects_only" ]; then
    mkdir -p "$objects_only/$id"
    cp "$work/samples/$id/"*.o "$objects_only/$id/"
    continue
  fi
  link_and_run "$id"
  cp "$work/samples/$id/"*.o "$samples/$id/"
  record_expected "$id"
  echo "$id: $(cat "$work/samples/$id/.observed.json" | head -c 200)"
done
[ -n "$objects_only" ] || write_index
