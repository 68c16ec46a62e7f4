"""Muster live test: a JAX program launched by `srun python`, as Slurm users write it: its place comes from
SLURM_PROCID and SLURM_NTASKS; the coordinator is the step's first node (MASTER_ADDR:MASTER_PORT).

Each task contributes SLURM_PROCID + 1; every task prints the global sum (3.0 for two tasks).
"""
import os

import jax

try:
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
except Exception:  # older or newer JAX without this option: its default CPU collectives
    pass

rank = int(os.environ["SLURM_PROCID"])
world = int(os.environ["SLURM_NTASKS"])
jax.distributed.initialize(
    coordinator_address=f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}",
    num_processes=world,
    process_id=rank,
)

import jax.numpy as jnp  # noqa: E402
from jax.experimental import multihost_utils  # noqa: E402

gathered = multihost_utils.process_allgather(jnp.array([rank + 1.0]))
print(f"procid {rank} of {world}: processes={jax.process_count()} sum={float(gathered.sum())}", flush=True)
jax.distributed.shutdown()
