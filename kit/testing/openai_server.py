"""A real HTTP server speaking the OpenAI chat-completions protocol, answering from a script.

Tests run it in its own process and point the real `openai` SDK at it, so retries, error
handling and tool calls are exercised over a socket without a network or an API key:

    python -m kit.testing.openai_server --port 0 --script script.json --log requests.jsonl

The script is a JSON list of steps, one per chat request, in order; the last one repeats:
    {"text": "..."}                                   an assistant message
    {"tool_call": {"name": "...", "arguments": {}}}   a tool call (finish_reason "tool_calls")
    {"malformed_tool_call": true}                     a tool call whose arguments are not JSON
    {"status": 429, "retry_after": 0.2}               an error in OpenAI's shape (any status)
    {"delay": 1.5, ...}                               sleep first; combines with any step
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

KINDS = ("text", "tool_call", "malformed_tool_call", "status")
ERRORS = {
    429: ("Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
}


class Script:
    """The steps still to play, shared by the server's threads; logs each request body."""

    def __init__(self, steps: list[dict[str, Any]], log: Path | None) -> None:
        if not steps or any(not any(kind in step for kind in KINDS) for step in steps):
            raise ValueError(f"a script is a non-empty list of steps, each with one of {KINDS}")
        self.steps, self.log, self.served = steps, log, 0
        self.lock = threading.Lock()

    def next(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Record the request and take the next step; returns (request number, step)."""
        with self.lock:
            if self.log is not None:
                with self.log.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(body, ensure_ascii=False) + "\n")
            number, self.served = self.served, self.served + 1
            return number, self.steps[min(number, len(self.steps) - 1)]


def completion(number: int, step: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """A chat.completion object for a text or tool-call step, with plausible usage."""
    message: dict[str, Any] = {"role": "assistant", "content": step.get("text"), "refusal": None}
    finish = "stop"
    if "tool_call" in step or step.get("malformed_tool_call"):
        call = step.get("tool_call", {"name": step.get("name", "size_lookup")})
        arguments = json.dumps(call.get("arguments", {}), ensure_ascii=False)
        if step.get("malformed_tool_call"):
            arguments = '{"sku": "J-101", "height_cm": 165,'  # cut off, as a model may emit it
        function = {"name": call["name"], "arguments": arguments}
        message["tool_calls"] = [{"id": f"call_{number}", "type": "function", "function": function}]
        finish = "tool_calls"
    prompt = max(1, len(json.dumps(body.get("messages", []), ensure_ascii=False)) // 4)
    answer = max(1, len(json.dumps(message, ensure_ascii=False)) // 4)
    return {
        "id": f"chatcmpl-script-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": answer, "total_tokens": prompt + answer},
    }


class Handler(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions from the script and /v1/models with one model."""

    script: Script  # set on the subclass made in `main`

    def do_GET(self) -> None:
        if self.path.rstrip("/") != "/v1/models":
            return self._send(404, _error(404, f"no route GET {self.path}"))
        model = {"id": "scripted-model", "object": "model", "created": 0, "owned_by": "kit"}
        self._send(200, {"object": "list", "data": [model]})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._send(404, _error(404, f"no route POST {self.path}"))
        number, step = self.script.next(body)
        time.sleep(float(step.get("delay", 0)))
        if "status" in step:
            headers = {"Retry-After": str(step["retry_after"])} if "retry_after" in step else {}
            return self._send(int(step["status"]), _error(int(step["status"])), headers)
        self._send(200, completion(number, step, body))

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        fields = {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}
        for name, value in fields.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log file is the record."""


def _error(status: int, message: str | None = None) -> dict[str, Any]:
    """An error body in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""
    text, kind, code = ERRORS.get(status, (f"Scripted error {status}.", "api_error", None))
    return {"error": {"message": message or text, "type": kind, "param": None, "code": code}}


def main(argv: list[str] | None = None) -> None:
    """Serve on 127.0.0.1 until killed; print {"port": N} once listening."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--script", type=Path, required=True, help="JSON list of steps")
    parser.add_argument("--log", type=Path, help="append each request body here, one JSON per line")
    args = parser.parse_args(argv)
    script = Script(json.loads(args.script.read_text(encoding="utf-8")), args.log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), type("ScriptedHandler", (Handler,), {"script": script}))
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


@contextmanager
def serve(script: list[dict[str, Any]], log: Path, start_timeout_s: float = 15.0) -> Iterator[str]:
    """Run the server in a subprocess for the `with` block; yields its base URL (…/v1)."""
    Script(script, None)  # a bad script fails here, with a plain message, not in the child
    log.parent.mkdir(parents=True, exist_ok=True)
    script_file = log.with_name(log.name + ".script.json")
    script_file.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
    errors = log.with_name(log.name + ".stderr.txt")
    command = [sys.executable, "-m", "kit.testing.openai_server", "--port", "0", "--script", str(script_file)]
    with errors.open("wb") as stderr:
        process = subprocess.Popen([*command, "--log", str(log)], stdout=subprocess.PIPE, stderr=stderr, text=True)
    assert process.stdout is not None
    stdout = process.stdout
    try:
        first_line: list[str] = []  # read in a thread, so a silent server cannot block us forever
        reader = threading.Thread(target=lambda: first_line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(start_timeout_s)
        if not first_line or not first_line[0].strip():
            why = errors.read_text(encoding="utf-8", errors="replace").strip() or "no output"
            raise RuntimeError(f"The scripted OpenAI server did not start (waited {start_timeout_s} s): {why}")
        yield f"http://127.0.0.1:{json.loads(first_line[0])['port']}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stdout.close()


if __name__ == "__main__":
    main()
