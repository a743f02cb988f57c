"""Run's training in a process of its own, Qt-free: the child's loop and what travels to and fro.

Why a process: Python runs one thread's bytecode at a time (the GIL). With the training loop on a thread
of the window's process, the loop and the redraws take turns on the interpreter, so each slows the
other (bench/bench_worker.py measures both hosts side by side). In its own process the loop has an
interpreter to itself, and the window redraws on the other core.

What travels:
* At the start, the Trainer itself, pickled (its network, optimiser memory, shuffling generator,
  divergence guard: training goes on exactly where it stood), in a shared block, so the window need
  not wait for the new process to read it. The dataset's arrays, which are large, are not pickled:
  they are copied into a second shared block (`layout`, `fill`) and read there in place (the window
  keeps that block for the next Run on the same numbers: process_run.shared_data).
* During Run, the window sends edits ("edit", seq, edit), acknowledgements ("ack",) and ("stop",); the
  child sends ("snap", Snapshot) after writing the weights into the shared snapshot buffer. It writes
  that buffer again only after the window's "ack", i.e. after the window has copied the weights out,
  so one buffer is enough and neither side ever waits for the other.
* At the end, ("done", Snapshot, the Trainer pickled again): the window's Trainer takes its state.

This module must never import Qt: the child starts from a fresh interpreter (forkserver or spawn, never
a fork of the window's process, which Qt's threads make unsafe) and imports only this and the engine.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import time
from collections.abc import Callable

import numpy as np

from engine.threads import set_blas_threads
from playground.training_loop import TrainingLoop

SNAPSHOTS_PER_SECOND = 60  # at most; the window asks for the next one when it has taken the last
# seconds between looks at the pipe for edits, acknowledgements and stop; at full speed the steps in
# between run back to back (TrainingLoop.run_for), so an edit lands within about a millisecond
LOOK_EVERY = 0.001
ALIGN = 64  # bytes: each shared array starts on a cache line


def parameter_views(buffer, network) -> list[np.ndarray]:
    """Arrays shaped like the network's weights then biases, living in `buffer` (the snapshot buffer)."""
    views, offset = [], 0
    for p in network.weights + network.biases:
        views.append(np.frombuffer(buffer, dtype=p.dtype, count=p.size, offset=offset).reshape(p.shape))
        offset += p.nbytes
    return views


def parameter_bytes(network) -> int:
    return sum(p.nbytes for p in network.weights + network.biases)


# --- pickling with the dataset in shared memory ---------------------------------------------------
def shared_arrays(trainer) -> list[np.ndarray]:
    """The arrays that go through shared memory: the dataset's (read-only during training)."""
    return dataset_arrays(trainer.dataset)


def dataset_arrays(dataset) -> list[np.ndarray]:
    """A dataset's arrays, each once, in the order of its attributes."""
    attrs = getattr(dataset, "__dict__", {})
    seen, arrays = set(), []
    for value in attrs.values():
        if isinstance(value, np.ndarray) and value.nbytes and id(value) not in seen:
            seen.add(id(value))
            arrays.append(value)
    return arrays


def layout(arrays: list[np.ndarray]) -> tuple[list[tuple[int, str, tuple]], int]:
    """Where each array sits in one shared block: [(offset, dtype, shape)], and the block's size."""
    places, offset = [], 0
    for a in arrays:
        places.append((offset, a.dtype.str, a.shape))
        offset += -(-a.nbytes // ALIGN) * ALIGN
    return places, offset


def fill(block, arrays: list[np.ndarray], places) -> None:
    for a, (offset, dtype, shape) in zip(arrays, places, strict=True):
        np.copyto(np.frombuffer(block, dtype=dtype, count=a.size, offset=offset).reshape(shape), a)


def dumps(obj, arrays: list[np.ndarray]) -> bytes:
    """Pickle `obj`, writing each of `arrays` (by identity) as its index instead of its contents."""
    index = {id(a): k for k, a in enumerate(arrays)}

    class _Pickler(pickle.Pickler):
        def persistent_id(self, o):
            return index.get(id(o)) if isinstance(o, np.ndarray) else None

    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return out.getvalue()


def loads(data: bytes, arrays: list[np.ndarray]):
    """Undo dumps: each index becomes that array of `arrays` (the same objects, not copies)."""

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            return arrays[pid]

    return _Unpickler(io.BytesIO(data)).load()


def views_of(block, places) -> list[np.ndarray]:
    return [np.frombuffer(block, dtype=dtype, count=int(np.prod(shape)), offset=offset).reshape(shape)
            for offset, dtype, shape in places]


# --- the child ------------------------------------------------------------------------------------
def message_check(conn) -> Callable[[], bool]:
    """A cheap "is there a message?" for the loop's frequent looks: Connection.poll builds a selector
    each time (~9 us measured, ~2.5% of a small network's Run at a look per millisecond); one poll
    object kept for the Run answers in about a microsecond. Where there is none (Windows), conn.poll."""
    if not hasattr(select, "poll"):
        return conn.poll
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)  # a closed pipe is reported too (POLLHUP): recv raises
    return lambda: bool(poller.poll(0))


def serve(conn, job_block, data_block, places, snapshot_block) -> None:
    """The training process: read the job, train until stopped, send the Trainer back."""
    try:
        _serve(conn, job_block, data_block, places, snapshot_block)
    except (EOFError, BrokenPipeError):
        pass  # the window's process has gone: so does this one, quietly


def _serve(conn, job_block, data_block, places, snapshot_block) -> None:
    data = views_of(data_block, places)
    job = loads(memoryview(job_block).cast("B").tobytes(), data)
    if job["own_session"] and hasattr(os, "setsid"):
        # On Linux a new session is a new autogroup: the scheduler gives this process a share of a busy
        # machine of its own, as it gives any other program, instead of splitting the window's share
        # with the window's painting (measured at a load of 6 on 2 cores, XOR: Run/plain 60% -> 80%).
        # And a Ctrl+C in the window's terminal no longer reaches it: it ends when the window's
        # process does (the pipe closes), quietly.
        os.setsid()
    set_blas_threads(1)  # one core trains; the other is the window's
    trainer = job["trainer"]
    loop = TrainingLoop(trainer, job["X_test"], job["Y_test"], epochs=job["epochs"], speed=job["speed"])
    for seq, edit in job["edits"]:
        loop.apply(seq, edit)
    shared = parameter_views(snapshot_block, trainer.network)
    interval = 1.0 / SNAPSHOTS_PER_SECOND
    started, cpu_started = time.monotonic(), time.process_time()
    last_sent = 0.0
    acked, stopping, reason = True, False, "paused"
    snapshots = 0
    has_message = message_check(conn)
    while True:
        while has_message():  # once per LOOK_EVERY at full speed
            message = conn.recv()
            if message[0] == "edit":
                loop.apply(message[1], message[2])
            elif message[0] == "ack":
                acked = True
            else:  # "stop"
                stopping = True
        if stopping:
            break
        now = time.monotonic()
        if acked and loop.has_news and (now - last_sent >= interval or loop.pace.speed):
            for dst, src in zip(shared, trainer.network.weights + trainer.network.biases, strict=True):
                np.copyto(dst, src)
            conn.send(("snap", loop.news()))
            acked, last_sent = False, now
            snapshots += 1
        if not loop.pace.speed:
            going = loop.run_for(LOOK_EVERY)
        elif (wait := loop.wait_time()) > 0:  # the Run speed is limited: sleep until the step is due,
            conn.poll(wait)  # or a message comes
            continue
        else:
            going = loop.step()
        if not going:
            reason = loop.reason
            break
    while conn.poll():  # edits sent before the window heard that the loop ended by itself
        message = conn.recv()
        if message[0] == "edit":
            loop.apply(message[1], message[2])
    news = loop.news(reason)
    stats = {"steps_done": loop.steps_done, "seconds": time.monotonic() - started,
             "cpu_seconds": time.process_time() - cpu_started, "test_seconds": loop.test_seconds,
             "snapshots": snapshots}
    conn.send_bytes(dumps(("done", news, trainer, stats), data))
    conn.close()
