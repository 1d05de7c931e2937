"""The progress display of ``econsec build`` on a terminal (rich), silent otherwise."""

from __future__ import annotations



class Progress:
    """rich progress on a terminal (done / running / failed); silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total > 0
        self.running: list[str] = []
        self.done = 0
        self.failed = 0
        self._progress = None
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("building"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[state]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._progress.add_task("build", total=total, state="")
            self._progress.start()

    def _refresh(self) -> None:
        if self._progress is not None:
            running = ", ".join(self.running[:3]) + (" …" if len(self.running) > 3 else "")
            failed = f" · [red]{self.failed} failed[/red]" if self.failed else ""
            self._progress.update(self._task, completed=self.done, state=f"running: {running or '–'}{failed}")

    def started(self, stem: str) -> None:
        self.running.append(stem)
        self._refresh()

    def finished(self, stem: str, ok: bool) -> None:
        if stem in self.running:
            self.running.remove(stem)
        self.done += 1
        self.failed += 0 if ok else 1
        self._refresh()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
