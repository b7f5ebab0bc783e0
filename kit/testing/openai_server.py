"""A real HTTP server speaking the OpenAI chat-completions protocol, for tests and benchmarks.

Tests run it in its own process and point the real `openai` SDK at it, so retries, timeouts,
error handling and tool calls are exercised over a socket without a network or an API key:

    python -m kit.testing.openai_server --port 0 --latency 0.2 --fail-rate 0.2 --fail-kinds 429,500,timeout --seed 0

prints its base URL (http://127.0.0.1:<port>/v1) and serves until killed.

Without a script every request is answered by the kit's `PracticeModel` from the request's own
messages and tools, so a run over HTTP gives the same conversations as the practice model
in-process. With `--script` (a JSON list of steps, one per answered request, the last repeats):
    {"text": "..."}                                   an assistant message
    {"tool_call": {"name": "...", "arguments": {}}}   a tool call (finish_reason "tool_calls")
    {"malformed_tool_call": true}                     a tool call whose arguments are not JSON
    {"status": 429, "retry_after": 0.2}               an error in OpenAI's shape (any status)
    {"delay": 1.5, ...}                               sleep first; combines with any step

Faults come on top, per request: by a seeded rate (`--fail-rate`, the failing requests take the
`--fail-kinds` in turn) or by a `--schedule` of outcomes cycled per request. The outcomes are
"ok", "429" (with Retry-After), "500", "timeout" (hang, then answer), "malformed" (tool-call
arguments cut off) and "html" (HTTP 200 with a proxy's HTML error page instead of JSON). `GET /stats` counts requests by outcome. The log (`--log`) gets each
request body as one JSON line; `<log>.events.jsonl` gets {"n", "t", "outcome"} per request, for
measuring the gaps a client leaves between retries. Headers, and so API keys, are never logged;
but `--echo-auth` plays a careless server that repeats the Authorization header in every
answer, to test that the kit hides the key in everything it writes.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

KINDS = ("text", "tool_call", "malformed_tool_call", "status")
OUTCOMES = ("ok", "429", "500", "timeout", "malformed", "html")
FAILURES = OUTCOMES[1:]
ERRORS = {
    429: ("Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
}
CUT_OFF = '{"sku": "J-101", "height_cm": 165,'  # tool-call arguments cut off, as a model may emit them
CONTEXT_FULL = "the request exceeds the available context size, try increasing it"  # llama.cpp's server's words
PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1><p>The upstream server is not responding.</p></body></html>"


@dataclass(frozen=True)
class Faults:
    """Which share of requests fail and how: chosen by a seeded RNG, the kinds taken in turn."""

    rate: float = 0.0
    kinds: tuple[str, ...] = ("429", "500", "timeout")
    retry_after_s: float | None = 0.05  # the Retry-After header sent with a 429 (None: no header)
    hang_s: float = 3.0  # "timeout": sleep this long before answering
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"Faults(rate={self.rate!r}): the rate is a fraction between 0 and 1, e.g. 0.2")
        unknown = [kind for kind in self.kinds if kind not in FAILURES]
        if not self.kinds or unknown:
            raise ValueError(f"Faults(kinds={self.kinds!r}): each kind is one of {', '.join(FAILURES)}")


class Plan:
    """Decides each request's outcome and step, shared by the server's threads; logs and counts."""

    def __init__(
        self,
        steps: list[dict[str, Any]] | None = None,
        log: Path | None = None,
        latency_s: float = 0.0,
        faults: Faults | None = None,
        schedule: Sequence[str] | None = None,
        echo_auth: bool = False,
    ) -> None:
        if steps is not None and (not steps or any(not any(kind in step for kind in KINDS) for step in steps)):
            raise ValueError(f"a script is a non-empty list of steps, each with one of {KINDS}")
        if schedule is not None and (not schedule or any(item not in OUTCOMES for item in schedule)):
            raise ValueError(f"a schedule is a non-empty list of outcomes, each one of {', '.join(OUTCOMES)}")
        if latency_s < 0:
            raise ValueError(f"latency_s={latency_s!r}: a latency is zero or more seconds")
        self.steps, self.log, self.latency_s = steps, log, latency_s
        self.faults, self.schedule = faults or Faults(), list(schedule) if schedule else None
        self.echo_auth = echo_auth
        self.random = random.Random(self.faults.seed)
        self.requests = self.failures = self.answered = 0
        self.by_outcome: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
        self.lock = threading.Lock()

    def next(self, body: dict[str, Any]) -> tuple[int, str, dict[str, Any] | None]:
        """Record the request; returns (request number, outcome, script step or None for the practice model)."""
        with self.lock:
            number, self.requests = self.requests, self.requests + 1
            outcome = self._outcome(number)
            step = None
            if self.steps is not None and outcome in ("ok", "malformed", "timeout"):
                step = self.steps[min(self.answered, len(self.steps) - 1)]
                self.answered += 1
                if outcome == "ok" and "status" in step:
                    outcome = str(step["status"])
                elif outcome == "ok" and step.get("malformed_tool_call"):
                    outcome = "malformed"
            self.by_outcome[outcome] = self.by_outcome.get(outcome, 0) + 1
            if self.log is not None:
                with self.log.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(body, ensure_ascii=False) + "\n")
                event = {"n": number, "t": time.time(), "outcome": outcome}
                with self.log.with_name(self.log.name + ".events.jsonl").open("a", encoding="utf-8") as file:
                    file.write(json.dumps(event) + "\n")
            return number, outcome, step

    def _outcome(self, number: int) -> str:
        if self.schedule is not None:
            return self.schedule[number % len(self.schedule)]
        if self.faults.rate and self.random.random() < self.faults.rate:
            self.failures += 1
            return self.faults.kinds[(self.failures - 1) % len(self.faults.kinds)]
        return "ok"

    def stats(self) -> dict[str, Any]:
        """The counters `GET /stats` returns."""
        with self.lock:
            return {"requests": self.requests, "by_outcome": dict(self.by_outcome)}


def completion(number: int, step: dict[str, Any] | None, body: dict[str, Any], malformed: bool = False) -> dict[str, Any]:
    """A chat.completion object: the script's step, or the practice model's answer to the request."""
    if step is None:
        message, usage = _practice_message(body)
    else:
        message, usage = _scripted_message(number, step, body), None
    if malformed:
        _break_tool_call(message, body, number)
    if usage is None:
        prompt = max(1, len(json.dumps(body.get("messages", []), ensure_ascii=False)) // 4)
        answer = max(1, len(json.dumps(message, ensure_ascii=False)) // 4)
        usage = (prompt, answer)
    return {
        "id": f"chatcmpl-kit-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted-model"),
        "choices": [{
            "index": 0, "message": message, "logprobs": None,
            "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
        }],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def _scripted_message(number: int, step: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.get("text"), "refusal": None}
    if "tool_call" in step or step.get("malformed_tool_call"):
        call = step.get("tool_call", {"name": step.get("name", "size_lookup")})
        arguments = CUT_OFF if step.get("malformed_tool_call") else json.dumps(call.get("arguments", {}), ensure_ascii=False)
        function = {"name": call["name"], "arguments": arguments}
        message["tool_calls"] = [{"id": f"call_{number}", "type": "function", "function": function}]
    return message


def _practice_message(body: dict[str, Any]) -> tuple[dict[str, Any], tuple[int, int]]:
    """What the kit's practice model says to these messages and tools, and its token counts."""
    from kit.practice import PracticeModel

    reply = PracticeModel().complete(body.get("messages", []), body.get("tools"))
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [call.to_message() for call in reply.tool_calls]
    return message, (reply.usage.prompt_tokens, reply.usage.completion_tokens)


def _warm_up() -> None:
    """Load what the practice model loads lazily (its catalogue, the unit parser)."""
    from kit.units import parse_body

    _practice_message({"messages": [{"role": "system", "content": "warm-up"}, {"role": "user", "content": "你好"}]})
    parse_body("一米六五，一百二十斤")


def _break_tool_call(message: dict[str, Any], body: dict[str, Any], number: int) -> None:
    """Cut off the first tool call's arguments (or make such a call, when the request offers tools)."""
    calls = message.get("tool_calls")
    if calls:
        calls[0]["function"]["arguments"] = calls[0]["function"]["arguments"].rstrip("}") + ","
    elif body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message["tool_calls"] = [{"id": f"call_{number}", "type": "function", "function": {"name": name, "arguments": CUT_OFF}}]
        message["content"] = None


class Handler(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions, GET /v1/models and GET /stats."""

    plan: Plan  # set on the subclass made in `main`
    models: tuple[str, ...] = ()  # what GET /v1/models lists (--models); none: 404, as some servers answer
    context_chars: int | None = None  # a request with more characters of messages is refused as llama.cpp does (--context)
    protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

    def do_GET(self) -> None:
        path = self.path.rstrip("/")
        if path == "/stats":
            return self._send(200, self.plan.stats())
        if path != "/v1/models" or not self.models:
            return self._send(404, _error(404, f"no route GET {self.path}"))
        listed = [{"id": name, "object": "model", "created": 0, "owned_by": "kit"} for name in self.models]
        self._send(200, {"object": "list", "data": listed})

    def do_POST(self) -> None:
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._send(404, _error(404, f"no route POST {self.path}"))
        number, outcome, step = self.plan.next(body)
        status, payload, headers = self._answer(number, outcome, step, body)
        wait = self.plan.latency_s + float((step or {}).get("delay", 0))
        if outcome == "timeout":
            wait += self.plan.faults.hang_s
        time.sleep(max(0.0, started + wait - time.monotonic()))  # the latency includes the work of answering
        self._send(status, payload, headers)

    def _answer(self, number: int, outcome: str, step: dict[str, Any] | None,
                body: dict[str, Any]) -> tuple[int, dict[str, Any] | str, dict[str, str]]:
        """(status, body, headers) of the answer to this request."""
        if outcome == "429":
            retry_after = (step or {}).get("retry_after", self.plan.faults.retry_after_s if step is None else None)
            return 429, _error(429), {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        size = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
        if self.context_chars is not None and size > self.context_chars:
            return 400, _error(400, CONTEXT_FULL), {}
        if step is not None and "status" in step:
            headers = {"Retry-After": f"{step['retry_after']:g}"} if "retry_after" in step else {}
            return int(step["status"]), _error(int(step["status"])), headers
        if outcome == "500":
            return 500, _error(500), {}
        if outcome == "html":
            return 200, PROXY_PAGE, {"Content-Type": "text/html; charset=utf-8"}
        answer = completion(number, step, body, malformed=outcome == "malformed")
        if self.plan.echo_auth:
            message = answer["choices"][0]["message"]
            message["content"] = f"{message['content'] or ''} (you sent: {self.headers.get('Authorization')})"
        return 200, answer, {}

    def _send(self, status: int, payload: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        data = text.encode("utf-8")
        try:
            self.send_response(status)
            fields = {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}
            for name, value in fields.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a "timeout" fault): nothing to do

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log file is the record."""


class Server(ThreadingHTTPServer):
    """A thread per connection, with room for many clients connecting at once."""

    request_queue_size = 128
    daemon_threads = True


def _error(status: int, message: str | None = None) -> dict[str, Any]:
    """An error body in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""
    text, kind, code = ERRORS.get(status, (f"Scripted error {status}.", "api_error", None))
    return {"error": {"message": message or text, "type": kind, "param": None, "code": code}}


def _csv(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _seconds_or_none(text: str) -> float | None:
    return None if text.strip().lower() == "none" else float(text)


def main(argv: list[str] | None = None) -> None:
    """Serve on 127.0.0.1 until killed; print the base URL once listening."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--script", type=Path, help="JSON list of steps (default: the practice model answers)")
    parser.add_argument("--log", type=Path, help="append each request body here, one JSON per line")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before every answer")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="fraction of requests that fail (seeded)")
    parser.add_argument("--fail-kinds", type=_csv, default=Faults.kinds, help="e.g. 429,500,timeout,malformed")
    parser.add_argument("--retry-after", type=_seconds_or_none, default=Faults.retry_after_s,
                        help="Retry-After header on a 429, in seconds ('none': no header)")
    parser.add_argument("--hang", type=float, default=Faults.hang_s, help="how long a 'timeout' hangs, s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--schedule", type=_csv, help="outcomes cycled per request, e.g. ok,429,ok,500")
    parser.add_argument("--echo-auth", action="store_true", help="repeat the Authorization header in every answer")
    parser.add_argument("--models", type=_csv, default=Handler.models,
                        help="the model ids GET /v1/models lists (default: none, it answers 404)")
    parser.add_argument("--context", type=int, help="refuse (HTTP 400) a request whose messages hold more characters")
    args = parser.parse_args(argv)
    steps = json.loads(args.script.read_text(encoding="utf-8")) if args.script else None
    try:
        faults = Faults(args.fail_rate, args.fail_kinds, args.retry_after, args.hang, args.seed)
        plan = Plan(steps, args.log, args.latency, faults, args.schedule, args.echo_auth)
    except ValueError as problem:
        parser.error(str(problem))
    server = Server(("127.0.0.1", args.port), type("PlannedHandler", (Handler,), {"plan": plan, "models": args.models,
                                                                          "context_chars": args.context}))
    print(f"http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    if steps is None:  # load the practice model's parsers while the client starts, not on its first call
        threading.Thread(target=_warm_up, daemon=True).start()
    server.serve_forever()


@contextmanager
def serve(
    script: list[dict[str, Any]] | None = None,
    log: Path | None = None,
    *,
    latency_s: float = 0.0,
    faults: Faults | None = None,
    schedule: Sequence[str] | None = None,
    start_timeout_s: float = 15.0,
    echo_auth: bool = False,
    models: Sequence[str] = Handler.models,
    context_chars: int | None = None,
) -> Iterator[str]:
    """Run the server in a subprocess for the `with` block; yields its base URL (…/v1). Always stops it."""
    Plan(script, None, latency_s, faults, schedule)  # bad settings fail here, with a plain message
    faults = faults or Faults()
    with tempfile.TemporaryDirectory(prefix="kit-openai-server-") as scratch:
        log = Path(log) if log is not None else Path(scratch) / "requests.jsonl"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "kit.testing.openai_server", "--port", "0", "--log", str(log),
            "--latency", str(latency_s), "--fail-rate", str(faults.rate), "--fail-kinds", ",".join(faults.kinds),
            "--hang", str(faults.hang_s), "--seed", str(faults.seed),
        ]
        command += ["--retry-after", str(faults.retry_after_s).lower()]
        if schedule:
            command += ["--schedule", ",".join(schedule)]
        if echo_auth:
            command.append("--echo-auth")
        if models:
            command += ["--models", ",".join(models)]
        if context_chars is not None:
            command += ["--context", str(context_chars)]
        if script is not None:
            script_file = log.with_name(log.name + ".script.json")
            script_file.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
            command += ["--script", str(script_file)]
        errors = log.with_name(log.name + ".stderr.txt")
        with errors.open("wb") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        assert process.stdout is not None
        stdout = process.stdout
        try:
            first_line: list[str] = []  # read in a thread, so a silent server cannot block us forever
            reader = threading.Thread(target=lambda: first_line.append(stdout.readline()), daemon=True)
            reader.start()
            reader.join(start_timeout_s)
            if not first_line or not first_line[0].startswith("http://"):
                why = errors.read_text(encoding="utf-8", errors="replace").strip() or "no output"
                raise RuntimeError(f"The test OpenAI server did not start (waited {start_timeout_s} s): {why}")
            yield first_line[0].strip()
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            stdout.close()


def stats(base_url: str) -> dict[str, Any]:
    """The server's counters: {"requests": n, "by_outcome": {"ok": .., "429": .., ...}}."""
    root = base_url.rstrip("/").removesuffix("/v1")
    with urllib.request.urlopen(f"{root}/stats", timeout=5) as response:
        return json.loads(response.read())


def events(log: Path) -> list[dict[str, Any]]:
    """The server's per-request events next to `log`: {"n", "t" (epoch seconds), "outcome"}, in arrival order."""
    path = Path(log).with_name(Path(log).name + ".events.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


if __name__ == "__main__":
    main()
