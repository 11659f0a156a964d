#!/bin/bash
# run.sh CACHE OUT: analyses the 22 suite renders of the crop experiment, kept in CACHE (the
# fault suite's FORMCHECK_SUITE_CACHE directory after a FORMCHECK_SUITE=60 run), into OUT.
set -eu
cache=$1 out=$2
mkdir -p "$out"
for s in 2 6 7 9 11 17 22 23 30 37 40 44 52 57 59 3 5 15 24 47 16 41; do echo "$cache/suite$s.mp4"; done |
  xargs -P 2 -I{} target/release/formcheck analyze {} --out "$out" --quiet
