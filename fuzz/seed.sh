#!/bin/sh
# Seeds the fuzzers' corpora from the example site (run from the repository root):
# every YAML file of content/ for tutorial_file, every text written in them for
# inline_markdown. The corpora (fuzz/corpus/, git-ignored) grow as the fuzzers run.
set -eu
mkdir -p fuzz/corpus/tutorial_file fuzz/corpus/inline_markdown
find content -name '*.yaml' | while read -r f; do
    cp "$f" "fuzz/corpus/tutorial_file/seed-$(echo "$f" | tr / _)"
done
n=0
grep -rhoE '^ *(- )?[a-z_]+: .+' content --include='*.yaml' | sed -E 's/^ *(- )?[a-z_]+: //' | sort -u |
    while IFS= read -r text; do
        n=$((n + 1))
        printf '%s' "$text" > "fuzz/corpus/inline_markdown/seed-$n"
    done
echo "seeded: $(ls fuzz/corpus/tutorial_file | wc -l) files, $(ls fuzz/corpus/inline_markdown | wc -l) texts"
