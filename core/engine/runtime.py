"""The TensorFlow runtime every compiled loop shares: configuration and the update step.

Both the engine's trainers and the optimiser paths (``core.optimiser_paths``) run Keras's
own update rule inside their own ``tf.function`` loops through :func:`apply_updates`, so
that both do what ``optimizer.apply`` would, and both refuse the same options.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

#: Optimizer options that ``optimizer.apply`` implements around ``update_step`` and that a
#: loop calling ``update_step`` directly would silently skip.
IGNORED_OPTIONS = ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay", "use_ema")


def tensorflow() -> Any:
    """TensorFlow, configured for this workload (one thread per op pool) on first use.

    Every module that runs TensorFlow ops gets it from here, so whichever page starts
    first, the process-wide thread settings are the same."""
    return _configured()


@functools.cache
def _configured() -> Any:
    import tensorflow as tf

    # The engine's matrices are tiny: handing each op to a thread pool costs more than the op
    # itself (benchmarks.training_speed: ~1.7x faster with one thread each). Only possible
    # before TensorFlow's runtime starts; if something started it earlier, keep its setting.
    threads = int(os.environ.get("DASHBOARD_TF_THREADS", "1"))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        pass
    return tf


def import_in_background() -> None:
    """Start importing TensorFlow and Keras in a thread, once per process.

    For a page about to train on a server that has not imported them yet (the first visit
    after a start): the import takes seconds, and meanwhile the page can build what needs no
    TensorFlow. When the page reaches its first trainer, Python's import lock makes it wait
    for this import instead of starting its own."""
    _importer()


@functools.cache
def _importer() -> threading.Thread:
    def work() -> None:
        _configured()
        import keras  # noqa: F401 - the trainers' and optimizers' import, done ahead

    thread = threading.Thread(target=work, name="tensorflow-import", daemon=True)
    thread.start()
    return thread


def check_optimizer(optimizer: Any) -> None:
    """ValueError naming the option if ``optimizer`` uses one that :func:`apply_updates`
    would ignore (gradient clipping, weight decay, EMA of the weights)."""
    for name in IGNORED_OPTIONS:
        value = getattr(optimizer, name, None)  # not get_config(): it needs eager mode
        if value is not None and value is not False and value != 0:
            raise ValueError(
                f"optimizer option {name}={value!r} is not supported: the compiled training "
                "loop applies Keras's update rule directly and would ignore it")


def apply_updates(optimizer: Any, grads: list[Any], variables: list[Any]) -> Any:
    """One optimizer step, as ``optimizer.apply`` does it: each variable's update with the
    current learning rate, then the iteration count (Adam's bias correction reads it).

    Returns the learning rate used (in the variables' dtype). ``apply`` itself is avoided:
    its distribution-strategy wrapper leaves ~4 MB behind per traced loop
    (benchmarks.memory_soak) and does nothing on one CPU. Runs at trace time inside a
    ``tf.function``; refuses optimizers with options it would ignore."""
    check_optimizer(optimizer)
    tf = tensorflow()
    rate = tf.cast(optimizer.learning_rate, variables[0].dtype)
    for grad, var in zip(grads, variables):
        optimizer.update_step(grad, var, rate)
    optimizer.iterations.assign_add(1)
    return rate
