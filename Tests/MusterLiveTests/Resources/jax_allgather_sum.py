"""Muster live test: a 2-process JAX program on CPU that sums a value across processes.

Each rank contributes RANK + 1; every rank prints the global sum (3.0 for two ranks).
"""
import os

import jax

try:
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
except Exception:  # older or newer JAX without this option: its default CPU collectives
    pass

rank = int(os.environ["RANK"])
world = int(os.environ["WORLD_SIZE"])
jax.distributed.initialize(
    coordinator_address=f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}",
    num_processes=world,
    process_id=rank,
)

import jax.numpy as jnp  # noqa: E402
from jax.experimental import multihost_utils  # noqa: E402

gathered = multihost_utils.process_allgather(jnp.array([rank + 1.0]))
print(f"rank {rank} of {world}: processes={jax.process_count()} sum={float(gathered.sum())}", flush=True)
jax.distributed.shutdown()
