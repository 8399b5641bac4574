"""The suite's shared plugin: sandbox, markers and thread guard first, then the shared fixtures."""

from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.support.plugin", "tests.support.fixtures"]

# Properties are judged by what they find, not by how fast inputs are drawn: on a busy 2-core machine
# (CI, or the suite beside a build) generation can be slow, which is no fault of the code under test.
settings.register_profile("retake", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("retake")
