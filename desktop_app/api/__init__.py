"""api layer (no Qt): the MusicGPT and sunoapi.org clients, request models, errors.

- ``models``: ``InpaintRequest``, ``RemixRequest``, ``SingOverRequest``, ``CoverRequest``,
  ``AddVocalsRequest`` (``problems(duration)``, ``check(duration)``, ``form_fields()`` /
  ``json_body(upload_url)``, ``to_params()``), ``Operation``, ``request_from_params``.
- ``musicgpt.MusicGPTClient`` / ``sunoapi.SunoApiClient``: submit, status, voices, upload.
- ``results``: ``SubmitReceipt``, ``JobStatus`` (``Progress``), ``TakeResult``, ``LyricLine``.
- ``errors``: ``ServiceError`` and its subclasses (``kind``, ``retryable``, ``retry_after``).
- ``engines``: ``parse_engine``, ``EngineSpec``, ``Endpoints``, ``check_base_url``.
- ``keys``: ``KeyStore``, ``resolve_api_key``; ``redact``: ``redact``, ``install_log_redaction``.
- ``retry``: ``RetryPolicy``, ``call_with_retry``; ``transcode.prepare_upload``.
"""
