"""``summarize serve`` run as users run it: a subprocess that says when it is ready, answers
libretranslatepy, and stops on SIGTERM or Ctrl-C with the request in flight answered."""
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.cli.test_commands import ROOT, run_cli

READY = re.compile(r"ready on (http://127\.0\.0\.1:\d+)")


def start(tiny_models, tmp_path, *extra):
    process = subprocess.Popen(
        [sys.executable, "-m", "summarize", "serve", "--port", "0", "--translator", str(tiny_models["translator"]),
         "--summarizer", str(tiny_models["summarizer"]), "--cache", str(tmp_path / "cache.sqlite3"), *extra],
        cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read():
        for line in process.stderr:
            lines.append(line)
            match = READY.search(line)
            if match and not url:
                url.append(match[1])
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(180):
        process.kill()
        raise AssertionError("no ready line:\n" + "".join(lines))
    return process, url[0], lines


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_and_stops_gracefully(tiny_models, tmp_path, sig):
    from libretranslatepy import LibreTranslateAPI

    process, url, lines = start(tiny_models, tmp_path)
    try:
        assert LibreTranslateAPI(url).translate("قال المتحدث إن الاجتماع سيعقد غدا.", "ar", "en")
        # a request of many sentences, in flight when the signal comes
        answers = []
        many = [f"قال المتحدث رقم {i} إن الاجتماع سيعقد غدا في المدينة." for i in range(60)]
        sender = threading.Thread(target=lambda: answers.append(
            httpx.post(url + "/translate", json={"q": many, "source": "ar"}, timeout=60)))
        sender.start()
        time.sleep(0.3)
        clock = time.monotonic()
        process.send_signal(sig)
        assert process.wait(timeout=30) == 0
        stopped_in = time.monotonic() - clock
        sender.join(30)
    finally:
        if process.poll() is None:
            process.kill()
    assert stopped_in < 15
    assert answers and answers[0].status_code in (200, 503)  # finished, or told the service stopped: never dropped
    if answers[0].status_code == 200:
        assert len(answers[0].json()["translatedText"]) == 60
    assert any("summarize serve: stopped" in line for line in lines)
    assert not any("Traceback" in line for line in lines)
    # one line per request, without its text
    logged = [line for line in lines if line.startswith("POST /translate")]
    assert logged and not any("المتحدث" in line for line in logged)


def test_mistakes_are_one_line_before_any_model_loads(tmp_path, tiny_models):
    result = run_cli("serve", "--api-keys", str(tmp_path / "absent.txt"), "--translator", str(tiny_models["translator"]),
                     "--summarizer", str(tiny_models["summarizer"]), timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: --api-keys {tmp_path / 'absent.txt'}: no such file"]
    missing = run_cli("serve", "--translator", str(tmp_path / "no-model"), timeout=120)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr and "no-model" in missing.stderr
    port = run_cli("serve", "--port", "70000", timeout=60)
    assert port.returncode == 2 and port.stderr.strip() == "error: --port must be 0 to 65535, not 70000"


def test_a_taken_port_is_one_line_before_the_models_load(tmp_path, tiny_models):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--translator", str(tiny_models["translator"]),
                         "--summarizer", str(tiny_models["summarizer"]), "--cache", str(tmp_path / "c.sqlite3"),
                         timeout=180)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
