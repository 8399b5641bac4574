"""The suite's shared plugin: sandbox, markers and thread guard first, then the shared fixtures."""

pytest_plugins = ["tests.support.plugin", "tests.support.fixtures"]
