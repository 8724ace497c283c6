"""The naive peer of the whole job: a plain regex script any of us could write in ten minutes.

Drops page numbers and running heads (a bare number, or a short line that
starts or ends with a number), joins line-end hyphens, joins lines into
paragraphs at blank lines. The yardstick for "how fast is fast enough"
(bench/whole_job.py): the pipeline does far more, but should not cost
much more than this. Run: python bench/naive.py RAW_FILE OUT_FILE
"""

import re
import sys

FURNITURE = re.compile(r"^(?:\d+|\d+\s+\S.{0,45}|.{0,45}\S\s+\d+)$")

text = open(sys.argv[1], encoding="utf-8").read()
lines = [line.strip() for line in text.split("\n")]
kept = "\n".join("" if FURNITURE.match(line) else line for line in lines)
joined = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", kept)
paragraphs = [" ".join(p.split("\n")) for p in re.split(r"\n\s*\n", joined) if p.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("\n\n".join(paragraphs) + "\n")
