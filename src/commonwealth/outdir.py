"""Output folders that never lose a user's files: checked first, staged beside, published by rename.

``--out DIR`` may name a folder that is absent, empty, or a previous commonwealth output — recognised by
the marker file :data:`MARKER` the tool writes (JSON: package, version and the files written), never by
guesswork. Anything else is refused with a :class:`~commonwealth.errors.UserError` before any work.

Files are written into a staging folder beside the target, ``.<name>.commonwealth-tmp-<pid>-<random>``, and
published by one rename. A previous output is swapped out atomically (``renameat2(RENAME_EXCHANGE)`` where the
system has it, else rename-to-trash, rename-into-place, delete the trash), so a kill at any moment leaves the
target absent, the old complete output or the new complete output. Staging and trash folders a killed run left
behind (ours: our prefix, our marker, a process id that is no longer alive) are removed by the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from commonwealth.errors import UserError
from commonwealth.version import __version__

#: The marker file of a commonwealth output folder.
MARKER = ".commonwealth-output"
#: The marker is written here first and renamed onto MARKER, so it is whole or absent.
_MARKER_TMP = MARKER + ".tmp"
_TMP = ".commonwealth-tmp-"
_TRASH = ".commonwealth-trash-"
_STALE = re.compile(r"\.commonwealth-(?:tmp|trash)-(\d+)-[0-9a-f]+$")


def input_paths(items: Iterable) -> list[Path]:
    """The scenario files (not built-ins) that ``items`` (scenarios or results) were read from."""
    builtin = (Path(__file__).parent / "scenarios").resolve()
    paths = []
    for item in items:
        scenario = getattr(item, "scenario", item)
        for source in getattr(scenario, "sources", ()):
            path = Path(source)
            if not path.exists():  # "<mapping>" and the like
                continue
            resolved = path.resolve()
            if not resolved.is_relative_to(builtin):
                paths.append(resolved)
    return paths


def _read_marker(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("package") != "commonwealth":
        return None
    return record


def _files_under(folder: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = Path(dirpath).relative_to(folder)
        found += [(rel / name).as_posix() for name in filenames]
        # a symlink to a directory is listed by os.walk as a directory but not followed
        found += [(rel / name).as_posix() for name in dirnames if (Path(dirpath) / name).is_symlink()]
    return sorted(found)


def _writable_ancestor(path: Path, option: str) -> None:
    """The nearest existing ancestor of ``path`` must be a writable directory."""
    for ancestor in path.parents:
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                raise UserError(f"{option} {path}: {ancestor} is a file, not a directory; allowed: a folder path.")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise UserError(f"{option} {path}: cannot write in {ancestor} (permission denied); allowed: a folder "
                                "whose parent you can write.")
            return


def check_out_dir(path: str | Path, inputs: Iterable[str | Path] = (), *, option: str = "--out") -> Path:
    """Refuse an output folder we must not replace; returns it. Touches nothing.

    Allowed: an absent folder (in a writable parent), an empty one, or a previous commonwealth output holding
    only the files its marker lists. Refused: a file, a symbolic link, a folder with anything else in it, the
    working directory or one above it, a folder containing one of ``inputs``.
    """
    out = Path(path)
    shown = str(path)
    if str(path).strip() == "":
        raise UserError(f"{option} is empty; allowed: a folder path.")
    resolved = out.resolve()
    _refuse_protected(resolved, inputs, option, shown)
    if out.is_symlink():
        raise UserError(f"{option} {shown} is a symbolic link; allowed: a real folder or a new path.")
    if out.exists():
        _check_existing(out, option, shown)
    else:
        _writable_ancestor(resolved, option)
    return out


def _refuse_protected(resolved: Path, inputs: Iterable[str | Path], option: str, shown: str) -> None:
    """The working directory, its ancestors and folders holding an input file are never replaced."""
    cwd = Path.cwd().resolve()
    if resolved == cwd or cwd.is_relative_to(resolved):
        raise UserError(f"{option} {shown} is the working directory or a folder above it, whose contents would be "
                        "replaced; allowed: a new or empty folder, or a previous output, e.g. --out out.")
    for source in inputs:
        source = Path(source).resolve()
        if source.is_relative_to(resolved):
            raise UserError(f"{option} {shown} contains the input file {source}, which replacing the folder would "
                            "delete; allowed: a folder that holds no input file.")


def _check_existing(out: Path, option: str, shown: str) -> None:
    """An existing ``--out`` must be an empty folder or a previous output with nothing of the user's in it."""
    if not out.is_dir():
        raise UserError(f"{option} {shown} exists and is a file, not a folder; allowed: a folder path.")
    try:
        entries = os.listdir(out)
    except OSError as exc:
        raise UserError(f"{option} {shown}: cannot read the folder ({exc.strerror}).") from None
    if entries:
        record = _read_marker(out)
        if record is None or not isinstance(record.get("files"), list):
            raise UserError(f"{option} {shown} is not empty and is not a commonwealth output (no {MARKER} "
                            "marker); it is left untouched. Allowed: a new or empty folder, or a previous "
                            "output of commonwealth.")
        extra = sorted(set(_files_under(out)) - set(record["files"]) - {MARKER})
        if extra:
            listed = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
            raise UserError(f"{option} {shown} is a previous commonwealth output but also holds files it did "
                            f"not write ({listed}); it is left untouched. Move them away or choose another "
                            "folder.")
    if not os.access(out.resolve().parent, os.W_OK | os.X_OK):
        raise UserError(f"{option} {shown}: cannot write in {out.resolve().parent} (permission denied).")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def clean_stale(target: str | Path) -> list[Path]:
    """Remove staging and trash folders of ours beside ``target`` whose process is gone; returns them."""
    target = Path(target).resolve()
    parent = target.parent
    prefix = f".{target.name}"
    removed = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for path in candidates:
        match = _STALE.fullmatch(path.name[len(prefix):])
        if not match or path.is_symlink() or not path.is_dir() or _pid_alive(int(match.group(1))):
            continue
        try:
            if (path / MARKER).is_file() and _read_marker(path) is not None:
                _remove_ours(path)
            elif set(os.listdir(path)) <= {MARKER, _MARKER_TMP}:
                # killed before or while its marker was written: nothing in it but (part of) our marker
                for name in (_MARKER_TMP, MARKER):
                    (path / name).unlink(missing_ok=True)
                path.rmdir()
            else:
                continue  # not recognisably ours: left alone
        except OSError:
            continue
        removed.append(path)
    return removed


def _remove_ours(path: Path) -> None:
    """Delete a folder of ours, its marker last, so a kill midway leaves it recognisable (or empty)."""
    for child in path.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (path / MARKER).unlink(missing_ok=True)
    path.rmdir()


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2`` where the C library has it: True when done, False when unsupported; raises OSError."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if func(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def rename_noreplace(src: str | Path, dst: str | Path) -> None:
    """Rename ``src`` to ``dst``, failing with FileExistsError if ``dst`` exists (atomically where possible)."""
    src, dst = Path(src), Path(dst)
    try:
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
        raise
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "exists", str(dst))
    try:
        os.rename(src, dst)  # a directory onto a non-empty directory fails; onto an empty one is harmless
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
        raise


def _sibling(target: Path, kind: str) -> Path:
    return target.parent / f".{target.name}{kind}{os.getpid()}-{secrets.token_hex(4)}"


def _write_marker(folder: Path, files: list[str] | None) -> None:
    record = {"package": "commonwealth", "version": __version__}
    if files is not None:
        record["files"] = files
    else:
        record["state"] = "staging"
    tmp = folder / _MARKER_TMP
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MARKER)  # whole or absent, whenever the process is killed


def _publish(tmp: Path, target: Path, inputs: list, option: str) -> None:
    if not os.path.lexists(target):
        try:
            rename_noreplace(tmp, target)
            return
        except FileExistsError:
            pass  # created meanwhile: check it again and replace it
    check_out_dir(target, inputs, option=option)
    if _renameat2(tmp, target, _RENAME_EXCHANGE):  # one atomic swap: the target is never absent
        with contextlib.suppress(OSError):
            _remove_ours(tmp)  # now the previous output, still carrying our name and marker
        return
    trash = _sibling(target, _TRASH)
    os.rename(target, trash)
    try:
        os.rename(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.rename(trash, target)
        raise
    with contextlib.suppress(OSError):
        _remove_ours(trash)


@contextlib.contextmanager
def staged_output(out_dir: str | Path, inputs: Iterable[str | Path] = (), *, option: str = "--out") -> Iterator[Path]:
    """``with staged_output(out, inputs) as tmp:`` write files into ``tmp``; on success they replace ``out`` in one
    rename, on failure (or a kill) nothing of ``out`` changes. Checks ``out`` first (:func:`check_out_dir`)."""
    inputs = [Path(p) for p in inputs]
    target = check_out_dir(out_dir, inputs, option=option).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{option} {out_dir}: cannot create the folder ({exc.strerror}).") from None
    clean_stale(target)
    tmp = _sibling(target, _TMP)
    try:
        tmp.mkdir()
    except OSError as exc:
        raise UserError(f"{option} {out_dir}: cannot create a folder beside it ({exc.strerror}).") from None
    try:
        _write_marker(tmp, None)
        yield tmp
        _write_marker(tmp, [f for f in _files_under(tmp) if f != MARKER])
        _publish(tmp, target, inputs, option)
    except BaseException:
        if tmp.exists():
            with contextlib.suppress(OSError):
                _remove_ours(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    clean_stale(target)
