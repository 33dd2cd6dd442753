#!/usr/bin/env python3
"""Customers placing orders as a careful client does, for bench/pitr.sh.

Each customer registers, signs in and places one-item orders in a loop, each with its own Idempotency-Key; a request
that fails (connection refused, 5xx while the database is swapped) is sent again with the same key until the platform
answers 201 or 200. Every acknowledged order is written as a line "key id acknowledged_at latency_ms" to --out, so the
benchmark can check afterwards that none is missing and none is there twice. With --failures, every attempt that was
not acknowledged is written there as "time status-or-error" (bench/deploy.sh counts them). Runs until --stop-file exists.

`orderload.py setup BASE ... --session FILE` registers the customers and the product once (sign-ins are rate limited
per address, as they should be) and writes their tokens to FILE; `orderload.py run --session FILE ...` places orders.
"""
import argparse, http.client, json, os, sys, threading, time, uuid
from urllib.parse import urlparse


def request(connection, method, path, body=None, token=None, key=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def signed(connection, method, path, body):
    """A sign-in request, waiting out the rate limit's Retry-After."""
    while True:
        status, answer = request(connection, method, path, body)
        if status != 429:
            return status, answer
        time.sleep(2)


def customer(base, token, product, stop_file, out, lock, failures):
    url = urlparse(base)
    connect = lambda: http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection = connect()
    while not os.path.exists(stop_file):
        key, started = uuid.uuid4().hex, time.time()
        while True:
            try:
                status, body = request(connection, "POST", "/api/v1/orders", {"items": [{"productId": product, "quantity": 1}]}, token, key)
                if status in (200, 201):
                    now = time.time()
                    with lock:
                        out.write(f"{key} {json.loads(body)['id']} {now:.3f} {(now - started) * 1000:.1f}\n")
                        out.flush()
                    break
                failed = str(status)
            except (OSError, http.client.HTTPException) as error:
                failed = type(error).__name__
                connection.close()
                connection = connect()
            if failures:
                with lock:
                    failures.write(f"{time.time():.3f} {failed}\n")
                    failures.flush()
            time.sleep(0.05)


def setup(args):
    url = urlparse(args.base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    _, body = signed(connection, "POST", "/api/v1/auth/login", {"email": args.admin_email, "password": args.admin_password})
    admin = json.loads(body)["token"]
    status, body = request(connection, "POST", "/api/v1/products",
                           {"sku": f"BENCH-{uuid.uuid4().hex[:8]}", "name": "Bench", "price": 12900, "stock": 100_000_000}, admin)
    if status != 201:
        sys.exit(f"orderload: could not create the product: {status} {body[:200]!r}")
    product = json.loads(body)["id"]
    tokens = []
    for _ in range(args.customers):
        email, password = f"bench-{uuid.uuid4().hex}@example.com", "Bench-password-1"
        signed(connection, "POST", "/api/v1/auth/register", {"email": email, "password": password})
        _, body = signed(connection, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        tokens.append(json.loads(body)["token"])
    with open(args.session, "w") as session:
        json.dump({"product": product, "tokens": tokens}, session)


def run(args):
    session = json.load(open(args.session))
    lock = threading.Lock()
    failures = open(args.failures, "a") if args.failures else None
    with open(args.out, "a") as out:
        threads = [threading.Thread(target=customer, args=(args.base, token, session["product"], args.stop_file, out, lock, failures))
                   for token in session["tokens"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["setup", "run"])
    parser.add_argument("base")
    parser.add_argument("--session", required=True)
    parser.add_argument("--admin-email")
    parser.add_argument("--admin-password")
    parser.add_argument("--customers", type=int, default=4)
    parser.add_argument("--stop-file")
    parser.add_argument("--out")
    parser.add_argument("--failures")
    args = parser.parse_args()
    setup(args) if args.step == "setup" else run(args)


if __name__ == "__main__":
    main()
