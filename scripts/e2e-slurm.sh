#!/bin/sh
# e2e-slurm.sh [SIGNET]: hashing across machines under a real Slurm on this
# machine: munged, slurmctld and slurmd (Debian's slurm-wlm) started here on
# 127.0.0.1 with their own configuration, key and spool in a temporary
# directory, the parts run as a job array (`sbatch --array`, each task
# hashing SLURM_ARRAY_TASK_ID), merged, compared with single-machine
# `signet digest`, and the daemons stopped.  Skips (exit 0, saying why)
# where Slurm is not installed or cannot start.  Prints "N passed, N
# failed".
set -u
SIGNET=${1:-build/signet}
case $SIGNET in /*) ;; *) SIGNET=$(pwd)/$SIGNET ;; esac
# shellcheck source=scripts/expect.sh
. "$(dirname "$0")/expect.sh"

skip() {
	echo "e2e-slurm: skipped: $*"
	echo "0 passed, 0 failed"
	exit 0
}
for b in munged slurmctld slurmd sbatch sinfo; do
	command -v "$b" >/dev/null 2>&1 ||
	    [ -x "/usr/sbin/$b" ] || skip "$b not installed (Debian slurm-wlm)"
done
PATH=$PATH:/usr/sbin
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	sleep 1
	for p in $pids; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
host=$(hostname -s)
port=$((20000 + $$ % 20000))
mkdir -p "$tmp/spool" "$tmp/state" "$tmp/munge" "$tmp/work"
dd if=/dev/urandom of="$tmp/munge/key" bs=1024 count=1 2>/dev/null
chmod 700 "$tmp/munge"
chmod 400 "$tmp/munge/key"
munged --key-file="$tmp/munge/key" --socket="$tmp/munge/sock" \
    --pid-file="$tmp/munge/pid" --log-file="$tmp/munge/log" \
    --seed-file="$tmp/munge/seed" --force 2>"$tmp/munge/err" ||
    skip "munged does not start: $(head -n 1 "$tmp/munge/err")"
pids="$(cat "$tmp/munge/pid")"
cpus=$(nproc)
cat > "$tmp/slurm.conf" <<EOF
ClusterName=signet
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=signet Nodes=$host Default=YES MaxTime=10 State=UP
EOF
SLURM_CONF=$tmp/slurm.conf
export SLURM_CONF
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/ctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
until sinfo -h -o %t 2>/dev/null | grep -Eq '^(idle|mix)'; do
	i=$((i + 1))
	if [ "$i" -gt 30 ]; then
		tail -n 3 "$tmp/slurmctld.log" "$tmp/slurmd.log" \
		    "$tmp/ctld.out" "$tmp/slurmd.out" 2>/dev/null
		skip "slurmctld/slurmd did not come up in 30 s"
	fi
	sleep 1
done

d=$tmp/data
mkdir -p "$d/a" "$d/b"
i=0
while [ $i -lt 30 ]; do
	head -c $((i * 4099 + 7)) /dev/urandom > "$d/a/f$i"
	i=$((i + 1))
done
head -c 2500000 /dev/urandom > "$d/b/big"
one=$("$SIGNET" digest "$d" --shard-size 1000000 --quiet)
"$SIGNET" digest "$d" --shard-size 1000000 --plan "$tmp/work/plan.json" \
    --parts 4 --quiet
cat > "$tmp/part.sbatch" <<EOF
#!/bin/sh
exec "$SIGNET" digest "$d" --plan "$tmp/work/plan.json" \\
    --out "$tmp/work/part-\$SLURM_ARRAY_TASK_ID.json" --jobs 1
EOF
expect "sbatch --array=0-3 --wait runs the parts" 0 "" -- \
    sbatch --array=0-3 --wait --chdir="$tmp" --output="$tmp/%a.log" \
    --cpus-per-task=1 "$tmp/part.sbatch"
expect "... each task hashed the part of its SLURM_ARRAY_TASK_ID" 0 \
    "^part 0 of 4,part 1 of 4,part 2 of 4,part 3 of 4,$" -- sh -c \
    "for i in 0 1 2 3; do grep -o 'part [0-9] of 4' '$tmp/'\$i.log; done |
    tr '\n' ','; echo"
expect "the merged manifest is single-machine signet digest" 0 "^$one$" \
    -- sh -c "'$SIGNET' manifest merge '$tmp/work/plan.json' \
    '$tmp/work'/part-*.json --spot-check 1000 --model '$d' --quiet \
    --out '$tmp/work/merged.json' && jq -r .root '$tmp/work/merged.json'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
