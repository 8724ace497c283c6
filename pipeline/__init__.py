"""OCR cleanup pipeline: raw OCR text of a scanned book in, clean text and an edit log out.

The stages in :mod:`pipeline.stages` are pure functions over the small model in
:mod:`pipeline.model`; :mod:`pipeline.ops.flow` is the only place that knows Prefect.
"""

__version__ = "0.1.0"
