"""The key that authenticates the snapshot of the fold (api/storage/facts_snapshot.py).

The snapshot sits in the same database as the events, so whoever can write that database
can write a snapshot and every hash and position beside it. What such a person cannot do
is produce the HMAC-SHA256 of a body under a key that is not in the database: the key is
read from a file named by the environment, as the master key of personal data is
(api/storage/keys.py), and never enters the store.

Which key (the first configured wins):

* `JIXIAO_SNAPSHOT_KEY_FILE`: a file of its own, 32 random bytes in base64 (what
  `jixiao keys snapshot --output FILE` writes, `create_snapshot_key` below); for a
  deployment without personal data, or one that keeps the master key away from the
  processes that only read.
* `JIXIAO_MASTER_KEY_FILE`: the master key, when it is configured anyway.

The MAC key is derived from either with HKDF-SHA256 under its own label, so it is never
the file's key itself (the master key also wraps every person's data key). No key: no
snapshot is read or written, and every session folds every event (the same answers)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from domain.errors import ConflictError, InvalidRequestError

SNAPSHOT_KEY_ENV = "JIXIAO_SNAPSHOT_KEY_FILE"
# The name api/storage/keys.py reads; not imported from there, which imports the session.
MASTER_KEY_ENV = "JIXIAO_MASTER_KEY_FILE"
KEY_BYTES = 32
# HKDF's info: a key derived for this use is useless for any other the file's key has.
KEY_OPEN_TO_OTHERS = "{path}: readable or writable by others (mode {mode}): chmod 600 it"
KEY_UNREADABLE = "{path}: cannot be read ({error})"
KEY_NOT_BASE64 = "{path}: not {size} bytes in base64"
LABEL = b"jixiao facts snapshot HMAC-SHA256 v1"


class SnapshotKeyError(ValueError):
    """The dedicated snapshot key file is named but cannot be read as a key."""


def _file_key(path: str) -> bytes:
    try:
        with Path(path).open("rb") as file:
            # The file opened, not its name again: nothing swapped in between. A key
            # others may read is no secret (as ssh refuses such a private key).
            mode = os.fstat(file.fileno()).st_mode
            if mode & 0o077:
                raise SnapshotKeyError(KEY_OPEN_TO_OTHERS.format(
                    path=repr(path), mode=f"{mode & 0o777:o}"))
            text = file.read().decode("ascii").strip()
        key = base64.b64decode(text, validate=True)
    except (OSError, UnicodeDecodeError, binascii.Error) as error:
        raise SnapshotKeyError(KEY_UNREADABLE.format(path=repr(path),
                                                     error=type(error).__name__)) from None
    if len(key) != KEY_BYTES:
        raise SnapshotKeyError(KEY_NOT_BASE64.format(path=repr(path), size=KEY_BYTES))
    return key


def derive(file_key: bytes) -> bytes:
    """The MAC key: HKDF-SHA256 (RFC 5869) of the file's key, no salt, under `LABEL`.

    Written out with the standard library's HMAC (extract, then one block of expand:
    32 bytes are one SHA-256 output) rather than `cryptography`'s HKDF, whose import is
    ≈3 ms of every CLI verb that reads a snapshot; a unit test holds the two equal."""
    pseudorandom = hmac.digest(b"\0" * hashlib.sha256().digest_size, file_key, "sha256")
    return hmac.digest(pseudorandom, LABEL + b"\x01", "sha256")[:KEY_BYTES]


def key_configured(env: Mapping[str, str]) -> bool:
    """Whether a key file is named (`snapshot_key` may still find none there): read
    without opening the file."""
    return bool(env.get(SNAPSHOT_KEY_ENV) or env.get(MASTER_KEY_ENV))


def snapshot_key(env: Mapping[str, str]) -> bytes | None:
    """The MAC key of this environment, or None when none is configured. A dedicated file
    that cannot be read raises `SnapshotKeyError` (the session names it); a master key
    that cannot be read is no key here (the verbs that need it say so themselves)."""
    dedicated = env.get(SNAPSHOT_KEY_ENV)
    if dedicated:
        return derive(_file_key(dedicated))
    master = env.get(MASTER_KEY_ENV)
    if not master:
        return None
    try:
        return derive(_file_key(master))
    except SnapshotKeyError:
        return None


# ------------------------------------------------------------------ making a key file

EXISTS = ("{path} exists already; not overwritten (--force replaces a snapshot key: the "
          "stored snapshot is then refused once and every event folded again)")
NOT_A_KEY = ("{path} is not a snapshot key file (32 bytes in base64); --force replaces "
             "only such a file")
IS_MASTER = ("{path} is the master key (JIXIAO_MASTER_KEY_FILE): replacing it would make "
             "every person's details unreadable; not overwritten")
OWNER = ("cannot give the new key the owner of {path}; run this as that file's owner or "
         "as root")
IS_LINK = ("{path} is a symbolic link to {target}; --force replaces only the key file "
           "itself: give its own path (the link then leads to the new key)")
UNREADABLE = "{path} cannot be read ({reason}); nothing was written"
UNWRITABLE = "{path} cannot be written ({reason}); nothing was written"
MOVED = "{path} was changed while being replaced; nothing was written: run it again"
# A key file is one line of 44 characters; more is read only to say it is no key.
READ_LIMIT = 4096


def create_snapshot_key(path: str, *, replace: bool = False,
                        master_path: str | None = None) -> bool:
    """Write a new random key file as `_file_key` reads it, owner-only from its creation
    (O_EXCL, 0600). An existing file is kept unless `replace`; then only a regular file
    of this form that is not the master key at `master_path` is replaced, whole (a new
    file renamed over it, with the old one's owner), never half-written. True if it
    replaced.

    Replacing costs little: the stored snapshot, signed under the old key, is refused
    once and every event folded again. Replacing the master key would cost every
    person's details, and both files have the same form: hence the master check. A
    symbolic link is refused rather than followed or replaced: following it writes where
    the operator did not name (the master key, when this shell does not set
    JIXIAO_MASTER_KEY_FILE), replacing it would leave the file it led to with the old
    key; given the file itself, a link to it leads to the new key."""
    target = Path(path)
    line = base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n"
    try:
        _write_new(target, line, shown=path)
    except FileExistsError:
        if not replace:
            raise ConflictError(EXISTS.format(path=path)) from None
    else:
        return False
    old = _replaceable(target, master_path)
    spare = target.with_name(f".{target.name}.{secrets.token_hex(8)}.new")
    try:
        _write_new(spare, line, owner=(old.st_uid, old.st_gid), shown=path)
        # No rename is conditional: the same file still there narrows the window to this
        # instant (an entry swapped now could be unlinked by anyone who can write here).
        if not _same_file(os.lstat(target), old):
            raise ConflictError(MOVED.format(path=path))
        os.replace(spare, target)
    except BaseException:
        spare.unlink(missing_ok=True)
        raise
    return True


def _replaceable(target: Path, master_path: str | None) -> os.stat_result:
    """The existing file's status, if `--force` may replace it: each check on the one
    file opened (never following a link), so nothing swapped in between."""
    shown = str(target)
    try:
        descriptor = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if target.is_symlink():
            raise InvalidRequestError(IS_LINK.format(
                path=shown, target=os.readlink(target))) from None
        raise InvalidRequestError(UNREADABLE.format(
            path=shown, reason=error.strerror or type(error).__name__)) from None
    try:
        old = os.fstat(descriptor)
        if master_path and _is_file(old, master_path):
            raise ConflictError(IS_MASTER.format(path=shown))
        if not stat.S_ISREG(old.st_mode):  # a directory, a FIFO (whose read would hang)
            raise InvalidRequestError(NOT_A_KEY.format(path=shown))
        text = os.read(descriptor, READ_LIMIT)
    finally:
        os.close(descriptor)
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequestError(NOT_A_KEY.format(path=shown)) from None
    if len(key) != KEY_BYTES:
        raise InvalidRequestError(NOT_A_KEY.format(path=shown))
    return old


def _same_file(one: os.stat_result, other: os.stat_result) -> bool:
    return (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


def _is_file(opened: os.stat_result, other: str) -> bool:
    try:
        return _same_file(opened, os.stat(other))  # the master key's name may be a link
    except OSError:  # no master key file there: nothing to protect
        return False


def _write_new(target: Path, line: bytes, owner: tuple[int, int] | None = None,
               shown: str = "") -> None:
    """A new file (O_EXCL: never an existing one, nor through a link), removed again if
    it could not be written whole."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise
    except OSError as error:  # no such folder, not allowed: said, not a traceback
        raise InvalidRequestError(UNWRITABLE.format(
            path=shown, reason=error.strerror or type(error).__name__)) from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            if owner is not None and owner != (os.getuid(), os.getgid()):
                # The service's user reads the key (docs/deploy.md's chown): a replaced
                # key it could not read would cost it a fold of every event at every start.
                try:
                    os.fchown(file.fileno(), *owner)
                except PermissionError:
                    raise ConflictError(OWNER.format(path=shown)) from None
            file.write(line)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
