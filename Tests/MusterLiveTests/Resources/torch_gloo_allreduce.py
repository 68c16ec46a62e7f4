"""Muster live test: torch.distributed all-reduce over gloo; every rank prints the sum of RANK + 1."""
import os

import torch
import torch.distributed as dist

dist.init_process_group(
    backend="gloo",
    init_method=f"tcp://{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}",
    world_size=int(os.environ["WORLD_SIZE"]),
    rank=int(os.environ["RANK"]),
)
t = torch.tensor([float(os.environ["RANK"]) + 1.0])
dist.all_reduce(t, op=dist.ReduceOp.SUM)
print(f"rank {dist.get_rank()} of {dist.get_world_size()}: sum={t.item()}", flush=True)
dist.destroy_process_group()
