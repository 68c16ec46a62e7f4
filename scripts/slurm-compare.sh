#!/usr/bin/env bash
# Side by side with real Slurm: runs the same batch scripts under Debian's Slurm (munge, slurmctld and two
# slurmd, all on this host) and under Muster (a controller and two agents with fake GPUs, named like the Slurm
# nodes), then compares what every task saw: its sorted SLURM_* (and CUDA_VISIBLE_DEVICES) environment, the
# steps' and jobs' exit codes, the output files' names and an array's throttle.
#
#   bash scripts/slurm-compare.sh            # as root (the Slurm daemons); installs Slurm with apt-get if missing
#
# MUSTER=PATH picks the muster binary (default: .build/release/muster, else .build/debug/muster, else it builds
# the release one); KEEP=1 keeps the work directory. When Slurm cannot be installed or started it prints
# "skipped: ..." and exits 0. Exit status: 0 when it ran (differences are reported, not failures), 1 when a job
# did not finish in time or Muster did not start.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

skip() {
    echo "skipped: $*"
    exit 0
}
say() { echo "== $*"; }

# MARK: Slurm, installed and started on this host

if [ "$(id -u)" != 0 ]; then skip "the Slurm daemons need root (run as root; sudo is not used)"; fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    say "installing Slurm (apt-get install slurmctld slurmd slurm-client munge)"
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v apt-get >/dev/null; then skip "Slurm is not installed and there is no apt-get"; fi
    if ! { timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq slurmctld slurmd slurm-client munge; } \
        >/tmp/slurm-compare-apt.log 2>&1; then
        skip "apt-get could not install Slurm: $(tail -n 3 /tmp/slurm-compare-apt.log | tr '\n' ' ')"
    fi
fi
command -v python3 >/dev/null || skip "python3 is needed for the comparison"
slurm_bin=$(dirname "$(command -v sbatch)")

muster=${MUSTER:-}
if [ -z "$muster" ]; then
    for candidate in .build/release/muster .build/debug/muster; do
        if [ -x "$candidate" ]; then
            muster=$repo/$candidate
            break
        fi
    done
fi
if [ -z "$muster" ]; then
    say "building muster (swift build -c release --product muster)"
    swift build -c release --product muster || { echo "error: muster does not build"; exit 1; }
    muster=$repo/.build/release/muster
fi

work=$(mktemp -d /tmp/slurm-compare.XXXXXX)
pids=()
cleanup() {
    # Only what this script started, by pid, most recent first.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
    for _ in $(seq 20); do # up to 10 s to stop, then SIGKILL
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
    { wait; } 2>/dev/null
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base=$((17000 + RANDOM % 2000 * 10))
mkdir -p "$work"/{slurm/state,slurm/log,slurm/spool/n1,slurm/spool/n2,munge,jobs,results}
chown munge:munge "$work/munge" 2>/dev/null || true
chmod 755 "$work"
key=/etc/munge/munge.key
if [ ! -r "$key" ]; then
    key=$work/munge/munge.key
    dd if=/dev/urandom of="$key" bs=1 count=1024 2>/dev/null
    chown munge:munge "$key" 2>/dev/null
    chmod 400 "$key"
fi
munge_args=(-F --socket="$work/munge/socket" --key-file="$key" --log-file="$work/munge/log"
    --pid-file="$work/munge/pid" --seed-file="$work/munge/seed")
if id munge >/dev/null 2>&1; then
    runuser -u munge -- munged "${munge_args[@]}" >"$work/munge/out" 2>&1 &
else
    munged --force "${munge_args[@]}" >"$work/munge/out" 2>&1 &
fi
pids+=($!)

conf=$work/slurm/slurm.conf
write_conf() { # NODES
    {
        cat <<EOF
ClusterName=cmp
SlurmctldHost=localhost
SlurmctldPort=$base
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool/%n
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd-%n.pid
SlurmctldLogFile=$work/slurm/log/slurmctld.log
SlurmdLogFile=$work/slurm/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
MpiDefault=none
ReturnToService=2
MinJobAge=3600
EOF
        for n in $(seq 1 "$1"); do
            echo "NodeName=n$n NodeHostname=localhost Port=$((base + n)) CPUs=2 Gres=gpu:2 State=UNKNOWN"
        done
        echo "PartitionName=all Nodes=n[1-$1] Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES"
    } >"$conf"
    # Two made-up GPUs per node: any two device files do (CUDA_VISIBLE_DEVICES 0,1 as with real ones).
    echo "NodeName=n[1-$1] Name=gpu File=/dev/tty[1-2]" >"$work/slurm/gres.conf"
}
export SLURM_CONF=$conf
wait_for() { # SECONDS COMMAND...: polls every 0.5 s
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.5
    done
}
# At least N nodes idle, read from sinfo's default columns (PARTITION AVAIL TIMELIMIT NODES STATE NODELIST), which
# both systems print.
idle_nodes() { # PATH N
    [ "$(PATH=$1 sinfo -h 2>/dev/null | awk '$5 == "idle" { n += $4 } END { print n + 0 }')" -ge "$2" ]
}

nodes=2
write_conf $nodes
ls /dev/tty1 /dev/tty2 >/dev/null 2>&1 || skip "no /dev/tty1 and /dev/tty2 to stand for Slurm's two GPUs per node"
wait_for 10 test -S "$work/munge/socket" || skip "munged did not start: $(tail -n 3 "$work/munge/log" 2>/dev/null)"
slurmctld -D -f "$conf" >"$work/slurm/log/slurmctld.out" 2>&1 &
pids+=($!)
for n in $(seq 1 $nodes); do
    slurmd -D -f "$conf" -N "n$n" >"$work/slurm/log/slurmd-n$n.out" 2>&1 &
    pids+=($!)
done
if ! wait_for 40 idle_nodes "$slurm_bin:$PATH" $nodes; then
    # Debian's build may not run two slurmd on one host: fall back to one node (and one Muster agent).
    say "two slurmd on one host did not come up ($(tail -n 2 "$work"/slurm/log/slurmd-n2.* 2>/dev/null | tr '\n' ' ')); falling back to ONE node"
    for ((i = ${#pids[@]} - 1; i >= 1; i--)); do kill "${pids[i]}" 2>/dev/null; done
    sleep 2
    pids=("${pids[0]}")
    nodes=1
    rm -rf "$work/slurm/state"/*
    write_conf 1
    slurmctld -D -f "$conf" >"$work/slurm/log/slurmctld.out" 2>&1 &
    pids+=($!)
    slurmd -D -f "$conf" -N n1 >"$work/slurm/log/slurmd-n1.out" 2>&1 &
    pids+=($!)
    wait_for 40 idle_nodes "$slurm_bin:$PATH" 1 \
        || skip "Slurm did not start: $(tail -n 5 "$work"/slurm/log/*.log "$work"/slurm/log/*.out 2>/dev/null | tr '\n' ' ')"
fi
say "Slurm $(slurmctld -V | awk '{print $2}'): slurmctld and $nodes slurmd on this host ($(PATH=$slurm_bin sinfo -h -o '%D nodes %t %N'))"

# MARK: Muster: a controller and agents named like the Slurm nodes

data=$work/muster-data
"$muster" controller --data "$data" --listen 127.0.0.1:0 --port-file "$work/muster-port" --kill-grace 2 \
    --master-ports "$((base + 20))-$((base + 119))" >"$work/muster-controller.log" 2>&1 &
pids+=($!)
wait_for 30 test -s "$work/muster-port" || { echo "error: muster controller did not start"; tail "$work/muster-controller.log"; exit 1; }
export MUSTER_URL=http://127.0.0.1:$(cat "$work/muster-port")
wait_for 10 test -s "$data/token" || { echo "error: no admin token"; exit 1; }
export MUSTER_TOKEN=$(cat "$data/token")
for n in $(seq 1 $nodes); do
    "$muster" agent --controller "$MUSTER_URL" --name "n$n" --fake-gpus 2 --join-token-file "$data/join.token" \
        --state-dir "$work/agent-n$n" --poll-ms 2000 >"$work/muster-agent-n$n.log" 2>&1 &
    pids+=($!)
done
"$muster" install-slurm-commands "$work/muster-bin" >/dev/null
wait_for 30 idle_nodes "$work/muster-bin:$PATH" $nodes || { echo "error: muster agents did not come up"; exit 1; }
say "Muster: a controller and $nodes agent(s) (n1..n$nodes, 2 fake GPUs each) at $MUSTER_URL"

# MARK: The batch scripts, the same for both

jobs=$work/jobs
cat >"$jobs/dump.sh" <<'EOF'
#!/bin/bash
# dump.sh LABEL [EXIT]: writes this task's sorted SLURM* environment (and CUDA_VISIBLE_DEVICES) and its exit code
# (EXIT, an arithmetic expression over the task's variables, e.g. SLURM_PROCID+3) to $CMP_OUT/LABEL.t<PROCID>.env.
code=$(( ${2:-0} ))
{ env | grep -E '^(SLURM|CUDA_VISIBLE_DEVICES=)' | LC_ALL=C sort; echo "EXIT=$code"; } >"$CMP_OUT/$1.t${SLURM_PROCID:-x}.env"
exit $code
EOF
chmod +x "$jobs/dump.sh"
preamble='export CMP_OUT=$SLURM_SUBMIT_DIR/out/$SLURM_JOB_NAME; mkdir -p $CMP_OUT; dump=$SLURM_SUBMIT_DIR/dump.sh'
cat >"$jobs/two_node.sh" <<EOF
#!/bin/bash
#SBATCH --job-name=two_node
#SBATCH --nodes=$nodes
#SBATCH --ntasks-per-node=2
#SBATCH --gres=gpu:1
#SBATCH --output=%x_%j.out
$preamble
\$dump batch
srun \$dump step0
echo "srun step0 exit \$?" >>\$CMP_OUT/status
echo "hello from \$SLURM_JOB_NAME"
EOF
cat >"$jobs/head_probe.sh" <<EOF
#!/bin/bash
#SBATCH -J head_probe
#SBATCH -N $nodes
$preamble
\$dump batch
head=\$(scontrol show hostnames \$SLURM_JOB_NODELIST | head -n1)
echo "head \$head" >>\$CMP_OUT/status
srun -N1 -n1 -w "\$head" \$dump step0
echo "srun step0 exit \$?" >>\$CMP_OUT/status
echo "hostname lines \$(srun -N1 -n1 -w "\$head" hostname | wc -l)" >>\$CMP_OUT/status
last=\$(scontrol show hostnames \$SLURM_JOB_NODELIST | tail -n1)
srun -N1 -n1 -w "\$last" \$dump step2
echo "srun step2 on the last node exit \$?" >>\$CMP_OUT/status
EOF
cat >"$jobs/failing_step.sh" <<EOF
#!/bin/bash
#SBATCH -J failing_step
#SBATCH -N $nodes
$preamble
if ! srun false; then echo "srun false caught" >>\$CMP_OUT/status; fi
srun \$dump step1 SLURM_PROCID+3
echo "srun step1 exit \$?" >>\$CMP_OUT/status
exit 0
EOF
cat >"$jobs/failing_job.sh" <<EOF
#!/bin/bash
#SBATCH -J failing_job
$preamble
\$dump batch 7
exit 7
EOF
cat >"$jobs/array.sh" <<EOF
#!/bin/bash
#SBATCH -J array
#SBATCH --array=0-7%2
#SBATCH --output=arr_%A_%a.out
$preamble
echo "start \$SLURM_ARRAY_TASK_ID \$(date +%s.%N)" >>\$CMP_OUT/times
\$dump a\$SLURM_ARRAY_TASK_ID
sleep 2
echo "end \$SLURM_ARRAY_TASK_ID \$(date +%s.%N)" >>\$CMP_OUT/times
echo "array task \$SLURM_ARRAY_TASK_ID"
EOF
cases=(two_node head_probe failing_step failing_job array)

# Submits every script with PATH=$1 first (Slurm's commands, or Muster's links), one after the other, each
# waited for; leaves what they wrote in results/$2.
run_all() { # PATH-DIR SYSTEM
    local path=$1:$PATH system=$2 id
    rm -rf "$jobs/out" "$jobs"/*.out
    : >"$work/results/$system.ids"
    for c in "${cases[@]}"; do
        id=$(cd "$jobs" && PATH=$path timeout 30 sbatch --parsable "$c.sh" 2>"$work/results/$system.$c.err")
        id=${id%%;*}
        if [ -z "$id" ]; then
            echo "error: $system's sbatch refused $c.sh: $(cat "$work/results/$system.$c.err")"
            echo "$c -" >>"$work/results/$system.ids"
            continue
        fi
        echo "$c $id" >>"$work/results/$system.ids"
        # Done when squeue answers and lists nothing (nothing else runs on either cluster).
        if ! wait_for 120 bash -c "queue=\$(PATH=$path squeue -h) && [ -z \"\$queue\" ]"; then
            echo "error: $system: $c (job $id) did not finish within 120 s"
            PATH=$path squeue
            return 1
        fi
    done
    if [ "$system" = slurm ]; then
        PATH=$path scontrol show job -o >"$work/results/slurm.jobs"
    else
        PATH=$path sacct -n >"$work/results/muster.jobs"
    fi
    mkdir -p "$work/results/$system"
    cp -r "$jobs/out" "$work/results/$system/out" 2>/dev/null
    (cd "$jobs" && ls -1 -- *.out 2>/dev/null) >"$work/results/$system/outfiles"
    for f in "$jobs"/*.out; do [ -e "$f" ] && cp "$f" "$work/results/$system/"; done
}

say "running ${#cases[@]} batch scripts under Slurm"
run_all "$slurm_bin" slurm || exit 1
say "running the same scripts under Muster"
(unset SLURM_CONF && run_all "$work/muster-bin" muster) || exit 1

# MARK: The comparison

python3 - "$work/results" "$nodes" <<'EOF'
import collections, os, re, sys

results, nodes = sys.argv[1], int(sys.argv[2])
# Values that differ per run or per host by nature (process ids, ports, uids): compared for presence only.
PER_RUN = {"SLURM_TASK_PID", "SLURM_SRUN_COMM_PORT", "SLURM_STEP_LAUNCHER_PORT", "SLURM_JOB_UID", "SLURM_JOB_GID",
           "SLURM_WORKING_CLUSTER", "SLURM_PRIO_PROCESS", "SLURM_UMASK", "SLURM_CONF", "SLURM_SRUN_COMM_HOST",
           "SLURM_LAUNCH_NODE_IPADDR", "SLURM_SUBMIT_HOST", "SLURM_CLUSTER_NAME", "SLURM_TOPOLOGY_ADDR_PATTERN"}

def ids(system):
    out = {}
    for line in open(f"{results}/{system}.ids"):
        case, id = line.split()
        out[case] = id
    return out

# Variables that carry a job id: compared as <job> (the case's job) or <array job>.
JOB_IDS = {"SLURM_JOB_ID", "SLURM_JOBID", "SLURM_ARRAY_JOB_ID"}

def normalise(value, case_id, name, array):
    if name in PER_RUN:
        return "<per-run>"
    if array and name in ("SLURM_JOB_ID", "SLURM_JOBID"):
        # Each task of an array is a job of its own, numbered differently by the two systems.
        return "<the task's own job id>"
    if name in JOB_IDS and value == case_id:
        return "<array job>" if array else "<job>"
    return value

def envs(system):
    out = {}
    job_ids = ids(system)
    root = f"{results}/{system}/out"
    for case in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        for f in sorted(os.listdir(f"{root}/{case}")):
            if not f.endswith(".env"):
                continue
            values = {}
            for line in open(f"{root}/{case}/{f}"):
                name, _, value = line.rstrip("\n").partition("=")
                values[name] = normalise(value, job_ids.get(case, "-"), name, case == "array")
            out[(case, f[:-4])] = values
    return out

def kind(case, label):
    if case == "array":
        return "array batch"
    return "batch" if label.startswith("batch") else "step task"

slurm, muster = envs("slurm"), envs("muster")
print()
print("## Tasks seen")
keys = sorted(set(slurm) | set(muster))
missing = [k for k in keys if (k in slurm) != (k in muster)]
print(f"{len(keys)} task(s): {len(slurm)} under Slurm, {len(muster)} under Muster")
for case, label in missing:
    print(f"  only under {'Slurm' if (case, label) in slurm else 'Muster'}: {case}/{label}")

# Per variable: in which kinds of task it is only in one system, or differs (with one example each).
only = collections.defaultdict(lambda: collections.defaultdict(set))
differs = collections.defaultdict(list)
for key in keys:
    if key not in slurm or key not in muster:
        continue
    s, m = slurm[key], muster[key]
    k = kind(*key)
    for name in sorted(set(s) | set(m)):
        if name not in m:
            only["Slurm only"][name].add(k)
        elif name not in s:
            only["Muster only"][name].add(k)
        elif s[name] != m[name]:
            differs[name].append((f"{key[0]}/{key[1]}", s[name], m[name]))

print()
print("## SLURM_* variables set by one system only (where)")
for side in ("Slurm only", "Muster only"):
    for name in sorted(only[side]):
        where = ", ".join(sorted(only[side][name]))
        sample = next((slurm if side == "Slurm only" else muster)[k].get(name) for k in keys
                      if k in slurm and k in muster and name in (slurm if side == "Slurm only" else muster)[k])
        print(f"  {side:<12} {name:<36} {where:<28} e.g. {sample}")

print()
print("## Values that differ (job ids replaced by <job>, <array job>)")
print(f"  {'VARIABLE':<30} {'TASKS':>5}  {'FIRST TASK':<26} {'SLURM':<22} MUSTER")
for name in sorted(differs):
    rows = differs[name]
    task, s, m = rows[0]
    print(f"  {name:<30} {len(rows):>5}  {task:<26} {s:<22} {m}")
if not differs:
    print("  (none)")

same = sum(1 for key in keys if key in slurm and key in muster
           for name in slurm[key] if name in muster[key] and slurm[key][name] == muster[key][name])
print(f"  ({same} variable values equal in both)")

print()
print("## Exit codes and script status lines")
def slurm_jobs():
    out = {}
    for line in open(f"{results}/slurm.jobs"):
        f = dict(w.split("=", 1) for w in line.split() if "=" in w)
        key = (f.get("ArrayJobId", f["JobId"]), f.get("ArrayTaskId", "-"))
        out[key] = f"{f['JobState']} {f['ExitCode']}"
    return out
def muster_jobs():
    out = {}
    for line in open(f"{results}/muster.jobs"):
        w = line.split()
        if len(w) < 6:
            continue
        job, _, task = w[0].partition("_")
        out[(job, task or "-")] = f"{w[-2]} {w[-1]}"
    return out
sj, mj = slurm_jobs(), muster_jobs()
si, mi = ids("slurm"), ids("muster")
print(f"  {'JOB':<22} {'SLURM':<20} {'MUSTER':<20}")
for case in si:
    tasks = sorted({t for (j, t) in sj if j == si[case]} | {t for (j, t) in mj if j == mi.get(case)},
                   key=lambda t: (len(t), t))
    for t in tasks or ["-"]:
        s, m = sj.get((si[case], t), "-"), mj.get((mi.get(case), t), "-")
        mark = "" if s == m else "   <- differs"
        print(f"  {case + ('' if t == '-' else '_' + t):<22} {s:<20} {m:<20}{mark}")
for case in si:
    read = lambda system: open(f).read().splitlines() if os.path.exists(
        f := f"{results}/{system}/out/{case}/status") else []
    s, m = read("slurm"), read("muster")
    for i in range(max(len(s), len(m))):
        a = s[i] if i < len(s) else "-"
        b = m[i] if i < len(m) else "-"
        print(f"  {case + ' status':<22} {a:<20} {b:<20}{'' if a == b else '   <- differs'}")
for key in keys:
    if key in slurm and key in muster and slurm[key].get("EXIT") != muster[key].get("EXIT"):
        print(f"  task {key[0]}/{key[1]} exit: Slurm {slurm[key].get('EXIT')}, Muster {muster[key].get('EXIT')}")

print()
print("## Output files (job ids replaced)")
def outfiles(system):
    # Names with the job ids in them replaced by the script's name: NAME_<id>.out, slurm-<id>.out,
    # arr_<array id>_<task>.out.
    by_id = {id: case for case, id in ids(system).items()}
    out = []
    for n in open(f"{results}/{system}/outfiles").read().split():
        m = re.fullmatch(r"(.*?)(\d+)(_\d+)?\.out", n)
        if m and m.group(2) in by_id:
            n = f"{m.group(1)}<{by_id[m.group(2)]}>{m.group(3) or ''}.out"
        out.append(n)
    return sorted(out)
so, mo = outfiles("slurm"), outfiles("muster")
for n in sorted(set(so) | set(mo)):
    where = "both" if n in so and n in mo else ("Slurm only" if n in so else "Muster only")
    print(f"  {n:<32} {where}")

print()
print("## Array 0-7%2: tasks run and most at once")
for system in ("slurm", "muster"):
    path = f"{results}/{system}/out/array/times"
    events = []
    seen = set()
    for line in open(path) if os.path.exists(path) else []:
        what, task, t = line.split()
        events.append((float(t), 1 if what == "start" else -1))
        seen.add(int(task))
    running = peak = 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        running += delta
        peak = max(peak, running)
    print(f"  {system:<7} tasks {sorted(seen)}  at most {peak} at once")
EOF
status=$?
say "work directory: $work$([ "${KEEP:-0}" = 1 ] || echo ' (removed; KEEP=1 keeps it)')"
exit $status
