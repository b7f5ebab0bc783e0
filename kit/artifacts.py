"""Writing a whole artifact (a report, an export, a saved transcript) on a machine others share.

The text goes to a fresh temporary file beside the target, with the key scrubber applied, and is
then moved into place in one step: a reader never sees half a file, a link planted at the target
is replaced rather than followed (so nobody's shell start-up file gets our text), and an existing
file is kept unless the caller asked to overwrite it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kit.i18n import _
from kit.keys import scrub


def write_artifact(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """Write `text` to `path` as a new regular file; FileExistsError if something is there (unless `overwrite`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise FileExistsError(_("{path} already exists as a link or a folder; the kit writes only files of its own. "
                                "Choose another name.").format(path=path))
    if path.exists() and not overwrite:
        raise FileExistsError(_("{path} already exists; choose another name, or pass overwrite=True to replace it.")
                              .format(path=path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(scrub(text))
        os.chmod(temporary, 0o644)  # readable by the class, like a file made with open(); mkstemp makes 0600
        if overwrite:
            os.replace(temporary, path)  # replaces a link planted meanwhile; never writes through it
        else:
            _place_new(Path(temporary), path, text)
    except FileExistsError:
        raise FileExistsError(_("{path} already exists; choose another name, or pass overwrite=True to replace it.")
                              .format(path=path)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def _place_new(temporary: Path, path: Path, text: str) -> None:
    """Give the finished file its name, failing if anything appeared there meanwhile: never clobbers."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: create the name exclusively (never through a link)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, flags, 0o644), "w", encoding="utf-8") as file:
            file.write(scrub(text))
