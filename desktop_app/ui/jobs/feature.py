"""Wire the jobs feature into the main window: the form dock, the queue dock, notifications."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QSystemTrayIcon

from desktop_app.api.errors import InvalidRequestError, ServiceError
from desktop_app.api.keys import KeyStore
from desktop_app.api.operations import Operation
from desktop_app.jobs.runner import RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.paths import config_dir
from desktop_app.services.jobs_service import JobsService
from desktop_app.services.settings import Options
from desktop_app.services.tasks import Tasks
from desktop_app.services.voices import VoiceLoader
from desktop_app.ui.jobs.engine_dialog import EngineDialog
from desktop_app.ui.jobs.operation_panel import OperationPanel, credits_from_history
from desktop_app.ui.jobs.queue_panel import QueuePanel
from desktop_app.ui.widgets import scrollable


class JobsFeature(QObject):
    takes_requested = Signal(str)  # the user asked to see this job's takes
    job_done = Signal(str)  # a job finished with takes (shown if it belongs to the open song)

    def __init__(self, window: QMainWindow, service: JobsService | None = None) -> None:
        super().__init__(window)
        self.window = window
        settings = window.settings
        if service is None:
            keys = KeyStore(file_fallback=config_dir() / "api-keys.json")
            runner_settings = RunnerSettings(
                poll_timeout=float(settings.get(Options.poll_timeout_s)),
                max_download_bytes=int(settings.get(Options.download_cap_mb)) * 1024 * 1024,
                mp3_above_bytes=int(settings.get(Options.upload_mp3_above_mb)) * 1024 * 1024,
            )
            service = JobsService(settings=runner_settings, key_store=keys)
        self.service = service
        self._tasks = Tasks("jobs-feature", self)
        self.voices = VoiceLoader(service.factory, self)
        self.panel = OperationPanel(
            window.document,
            self.voices,
            self.engine_name,
            settings=settings,
            credit_hint=credits_from_history(service.store),
        )
        self.panel.setObjectName("operationPanel")
        self.queue = QueuePanel(service)
        self.queue.setObjectName("jobQueuePanel")
        self.form_dock = window.add_dock(self.panel, Qt.DockWidgetArea.RightDockWidgetArea, "New job")
        self.queue_dock = window.add_dock(scrollable(self.queue), Qt.DockWidgetArea.BottomDockWidgetArea, "Jobs")
        self.panel.submit_requested.connect(self.submit)
        self.panel.engine_settings_requested.connect(self.edit_engines)
        self.queue.params_requested.connect(self.send_back_to_form)
        self.queue.takes_requested.connect(self.takes_requested)
        window.actions.extend_here.triggered.connect(self.extend_from_here)
        service.job_finished.connect(self._job_finished)
        service.job_failed.connect(self._job_failed)
        QTimer.singleShot(0, self._resume)
        self._warm_up()

    def engine_name(self) -> str:
        return self.window.settings.get(Options.engine) or "local"

    # ---------------------------------------------------------------------------------- actions
    def submit(self, request) -> str | None:
        try:
            job = self.service.submit(request, self.engine_name(), duration=self.window.document.duration)
        except InvalidRequestError as error:
            self.panel.forms[self.panel.operation].show_problems(list(error.problems), force=True)
            self.window.statusBar().showMessage(str(error), 8000)
            return None
        except ServiceError as error:
            QMessageBox.warning(self.window, "Cannot send the job", str(error))
            return None
        self.queue.select_job(job.id)
        self.queue_dock.raise_()
        self.window.statusBar().showMessage(f"Sent: {request.operation.label}. Follow it in the Jobs panel.", 6000)
        return job.id

    def extend_from_here(self) -> None:
        """Edit ▸ Extend from here: the extend form, from the selection's end or else the playhead."""
        self.panel.extend_from(self.window.player.position)
        self.form_dock.raise_()
        self.form_dock.show()

    def edit_engines(self) -> None:
        dialog = EngineDialog(self.window.settings, self.service.key_store, self.window)
        if dialog.exec():
            self.panel.refresh_engine()

    def send_back_to_form(self, job_id: str) -> None:
        job = self.service.get(job_id)
        params = {k: v for k, v in job.params.items() if k not in ("audio_file", "audio_url")}
        self.panel.load_params(Operation(job.operation), params)
        self.form_dock.raise_()

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the voice list, the engine warm-up and every job, all within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        for stop in (self.voices.shutdown, self._tasks.shutdown, self.service.shutdown):
            stop(max(0.0, deadline - time.monotonic()))

    def _warm_up(self) -> None:
        """Start the local engine and load the HTTP stack in the background now, so the first job sent does
        neither while the producer waits (``ClientFactory.warm_up``)."""
        if os.environ.get("RETAKE_ENGINE_AUTOSTART", "1") == "0":
            return
        engine = self.engine_name()
        self._tasks.start(lambda _task: self.service.factory.warm_up(engine), name="jobs-warm-up")

    # ---------------------------------------------------------------------------------- reactions
    def _resume(self) -> None:
        resumed = self.service.resume_unfinished()
        if resumed:
            self.window.statusBar().showMessage(f"Following {len(resumed)} unfinished job(s) from last time.", 6000)

    def _job_finished(self, job_id: str) -> None:
        job = self.service.get(job_id)
        if job.state is JobState.DONE:
            self._notify("Takes are ready", f"{Operation(job.operation).label} finished.")
            self.job_done.emit(job_id)
        elif job.state is JobState.STALLED:
            self._notify("Still running", "The service is taking longer than expected. Keep waiting from the queue.")

    def _job_failed(self, _job_id: str, message: str) -> None:
        self.window.statusBar().showMessage(f"Job failed: {message}", 10000)
        self._notify("Job failed", message)

    def _notify(self, title: str, message: str) -> None:
        """Tell the user when the window is in the background; otherwise the panels already show it."""
        if self.window.isActiveWindow():
            return
        QApplication.alert(self.window)
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray = getattr(self, "_tray", None)
            if tray is None:
                tray = self._tray = QSystemTrayIcon(self.window.windowIcon(), self)
                tray.show()
            tray.showMessage(title, message)
