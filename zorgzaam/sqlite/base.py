"""SQLite for a multi-process server: writers wait their turn on a file lock.

SQLite lets one writer in at a time. A writer that finds the database locked waits in
SQLite's busy handler, which sleeps in growing steps (1, 2, 5, 10 … 100 ms) and checks
again, so under a rush the database often sits idle while every waiting worker sleeps.
Here every write transaction (`BEGIN IMMEDIATE`, the setting's transaction mode) first
takes an exclusive `flock` on a file beside the database, polled at sub-millisecond
steps: the next writer starts within a fraction of a millisecond of the last commit. The
busy timeout still bounds the wait, and SQLite's own locking still guards everything.
"""

import fcntl
import os
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd = None
    _write_lock_held = False

    def _write_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return name + ".writer-lock"

    def _acquire_write_lock(self) -> None:
        if self._write_lock_held:
            return
        if self._write_lock_fd is None:
            path = self._write_lock_path()
            if path is None:
                return
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        delay = 0.0001
        while True:
            try:
                fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.0005)
            else:
                self._write_lock_held = True
                return

    def _release_write_lock(self) -> None:
        if self._write_lock_held:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)
            self._write_lock_held = False

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode in {"IMMEDIATE", "EXCLUSIVE"}:
            self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None
