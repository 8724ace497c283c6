"""Command line: a thin layer over the library (``run``), the Prefect layer (``ops``) and the change log.

Examples::

    python -m pipeline run                      # every raw/*.txt, as a Prefect flow
    python -m pipeline run raw/book.txt --no-prefect
    python -m pipeline run --skip rebuild_paragraphs
    python -m pipeline run --force --dask local # redo every book on a local Dask cluster
    python -m pipeline server start             # the dashboard at http://127.0.0.1:4200
    python -m pipeline serve --cron "0 3 * * *" # reprocess raw/ every night at 03:00
    python -m pipeline trigger                  # run the served deployment now
    python -m pipeline why extremely            # which edit made this word, and on what evidence

The application is pipeline/cli/app.py: a click group that imports a command's
module (run.py, prefect.py, log.py) only when that command runs.
"""

from pipeline.cli.app import app

__all__ = ["app"]
