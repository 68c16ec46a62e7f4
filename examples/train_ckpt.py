#!/usr/bin/env python3
"""A preemptible training stand-in for `muster bench serve`: it makes one step a second and checkpoints every
MUSTER_TRAIN_CKPT_S seconds (default 30) into $MUSTER_CHECKPOINT_DIR, which Muster keeps across requeues.

    muster submit --gpus 1 --class research -- python3 examples/train_ckpt.py

State: $MUSTER_CHECKPOINT_DIR/state.json ({"step": N}, written atomically at each checkpoint). Progress (the last
step reached, checkpointed or not) is rewritten in place in $MUSTER_CHECKPOINT_DIR/progress/step, so it does not
look like a new checkpoint to the agent, which reports the newest entry of the directory. On SIGTERM (preemption)
it exits at once without saving: the steps since the last checkpoint are lost. When it starts again it prints

    muster-train: resumed at step C; lost L steps (L s of work per GPU)

(C the checkpointed step, L the steps reached beyond it before the kill), then goes on from step C. It ends
after MUSTER_TRAIN_STEPS steps (default 1,000,000).
"""

import json
import os
import sys
import time

STEP_SECONDS = float(os.environ.get("MUSTER_TRAIN_STEP_S", "1"))
CHECKPOINT_SECONDS = float(os.environ.get("MUSTER_TRAIN_CKPT_S", "30"))
STEPS = int(os.environ.get("MUSTER_TRAIN_STEPS", "1000000"))


def main():
    directory = os.environ.get("MUSTER_CHECKPOINT_DIR")
    if not directory:
        print("muster-train: MUSTER_CHECKPOINT_DIR is not set", file=sys.stderr)
        return 2
    state_path = os.path.join(directory, "state.json")
    progress_dir = os.path.join(directory, "progress")
    os.makedirs(progress_dir, exist_ok=True)
    progress_path = os.path.join(progress_dir, "step")
    step = 0
    if os.path.exists(state_path):
        with open(state_path) as f:
            step = int(json.load(f)["step"])
    reached = step
    if os.path.exists(progress_path):
        with open(progress_path) as f:
            text = f.read().strip()
            reached = int(text) if text else step
    restarts = os.environ.get("MUSTER_RESTART_COUNT", "0")
    if restarts != "0" or reached > step:
        lost = max(0, reached - step)
        print(f"muster-train: resumed at step {step}; lost {lost} steps ({lost * STEP_SECONDS:.1f} s of work per GPU)",
              flush=True)
    else:
        print(f"muster-train: starting at step {step}", flush=True)
    progress = open(progress_path, "a+")
    last_checkpoint = time.monotonic()
    next_step = time.monotonic()
    while step < STEPS:
        next_step += STEP_SECONDS
        time.sleep(max(0.0, next_step - time.monotonic()))
        step += 1
        progress.seek(0)
        progress.truncate()
        progress.write(str(step))
        progress.flush()
        if time.monotonic() - last_checkpoint >= CHECKPOINT_SECONDS:
            tmp = state_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"step": step}, f)
            os.replace(tmp, state_path)
            last_checkpoint = time.monotonic()
            print(f"muster-train: checkpoint at step {step}", flush=True)
    print(f"muster-train: done after {step} steps", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
