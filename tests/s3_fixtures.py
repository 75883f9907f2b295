"""A real S3 API on loopback for replication tests: moto's ThreadedMotoServer, reset before each test."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from core.replication import StorageConfig, config_from, make_client

BUCKET = "rapport-test"
PASSPHRASE = "correct horse battery staple"


def storage(endpoint: str, **extra) -> dict:
    """A [storage] section pointing at the endpoint (moto ignores the keys)."""
    return {"endpoint": endpoint, "bucket": BUCKET, "prefix": "me/rapport", "access_key": "testing",
            "secret_key": "testing", "passphrase": PASSPHRASE, **extra}


def config(endpoint: str, **extra) -> StorageConfig:
    return config_from(storage(endpoint, **extra))


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server) -> str:
    """The endpoint, with moto's state reset and an empty bucket."""
    urllib.request.urlopen(urllib.request.Request(f"{s3_server}/moto-api/reset", method="POST"), timeout=10)
    make_client(config(s3_server)).create_bucket(Bucket=BUCKET)
    return s3_server
