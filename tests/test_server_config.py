"""The server settings a hall depends on, as Streamlit reads them from .streamlit/config.toml.

Both remove per-visit work that all sessions queue behind (one interpreter): Streamlit's file
watcher registers every imported module for each new session, and its post-run garbage
collection walks every object after each script run. benchmarks.load measures the CPU per
visit that they cost (about 1.2 s together, against 0.1 s for the page itself).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project_config(monkeypatch):
    """Streamlit's options as parsed from the project's config file (not the user's)."""
    monkeypatch.chdir(ROOT)
    config.get_config_options(force_reparse=True)
    yield config
    config.get_config_options(force_reparse=True)


def test_no_file_watcher_and_no_collection_after_every_run(project_config) -> None:
    assert project_config.get_option("server.fileWatcherType") == "none"
    assert project_config.get_option("runner.postScriptGC") is False


def test_the_project_file_is_what_is_read(project_config) -> None:
    # The options above are not Streamlit's defaults: they come from the file.
    assert project_config.get_option("server.maxUploadSize") == 1
    assert project_config.get_option("theme.baseFontSize") == 17
    assert config._config_options_template["server.fileWatcherType"].default_val == "auto"
    assert config._config_options_template["runner.postScriptGC"].default_val is True


def test_starting_asks_no_outside_service_for_the_address(project_config, monkeypatch):
    """The start-up banner of a headless server looks up the machine's public address on
    the internet (a request that leaves the machine, and an offline hall can stall on it);
    the project's server is not headless, so it does not."""
    from streamlit import net_util
    from streamlit.web import bootstrap

    asked = []
    monkeypatch.setattr(net_util, "get_external_ip", lambda: asked.append(1))
    monkeypatch.setattr(net_util, "get_internal_ip", lambda: None)
    assert project_config.get_option("server.headless") is False
    assert project_config.get_option("server.showEmailPrompt") is False
    bootstrap._print_url(False)
    assert asked == []
    # Positive case: headless, as the benchmarks and tests start it, the banner asks.
    project_config.set_option("server.headless", True)
    project_config.set_option("logger.hideWelcomeMessage", False)
    bootstrap._print_url(False)
    assert asked == [1]


def test_no_skills_pop_up_on_the_lecturers_screen(project_config):
    """A non-headless server puts an "install Streamlit's agent skills" pop-up over the page
    on machines with an AI coding tool; the project's config withholds it."""
    from streamlit.web import skills

    assert project_config.get_option("logger.hideWelcomeMessage") is True
    assert skills.nudge_suppression_reason(str(ROOT)) == "welcome_hidden"
    # Positive case: without the setting, that reason no longer holds it back.
    project_config.set_option("logger.hideWelcomeMessage", False)
    assert skills.nudge_suppression_reason(str(ROOT)) != "welcome_hidden"
