"""The edition: the finished Book rendered as what a reader and an editor open.

``book.md`` with a heading per part and document and footnotes that resolve
(:mod:`pipeline.edition.markdown`), the index as entries
(:mod:`pipeline.edition.index`) and the TEI P5 export
(:mod:`pipeline.edition.tei`). It is a layer of its own, between the
stages (which decide what the text *is*, every edit logged) and run/ (which
decides what a run writes and publishes it): rendering changes no word of
the text, only how its parts are presented, so nothing here logs a change,
and run/render.py stays the list of output files. It reads only the model.
"""
