#!/usr/bin/env bash
# Runs issue 23's fault scenarios and prints their verdict lines (docs/reliability.md).
#   tests/faults/run.sh                 the quick forms (as in the default test run and CI)
#   tests/faults/run.sh --full          the long forms (TESSERA_FAULT_FULL=1: e.g. ten SIGKILLs instead of one)
#   tests/faults/run.sh sqlite-crash    one scenario: sqlite-crash, graceful-shutdown, backup, disk-full,
#                                       postgres-outage, dispatcher-kill, slow-dependencies, soak or rolling-restart
#   tests/faults/run.sh --full soak     the 30-minute soak (quick form: 60 s); it prints its samples as it goes
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
filter="FullyQualifiedName~Tessera.Tests.Reliability.|FullyQualifiedName~Tessera.Tests.Faults."
for arg in "$@"; do
  case "$arg" in
    --full) export TESSERA_FAULT_FULL=1 ;;
    sqlite-crash) filter="FullyQualifiedName~SqliteCrashTests" ;;
    graceful-shutdown) filter="FullyQualifiedName~GracefulShutdownTests" ;;
    backup) filter="FullyQualifiedName~BackupRestoreTests" ;;
    disk-full) filter="FullyQualifiedName~DiskFullTests" ;;
    postgres-outage) filter="FullyQualifiedName~PostgresOutageTests" ;;
    dispatcher-kill) filter="FullyQualifiedName~DispatcherKillTests" ;;
    slow-dependencies) filter="FullyQualifiedName~SlowDependencyTests" ;;
    soak) filter="FullyQualifiedName~SoakTests" ;;
    rolling-restart) filter="FullyQualifiedName~RollingRestartTests" ;;
    *) echo "usage: $0 [--full] [sqlite-crash|graceful-shutdown|backup|disk-full|postgres-outage|dispatcher-kill|slow-dependencies|soak|rolling-restart]" >&2; exit 2 ;;
  esac
done
export PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
export TESSERA_FAULT_REPORT="$(mktemp)"
trap 'rm -f "$TESSERA_FAULT_REPORT"' EXIT
status=0
# Diagnostic messages on: the soak's samples (every 30 s in the long form) are printed while it runs.
dotnet test "$root/tests/Tessera.Tests" --filter "$filter" --logger "console;verbosity=normal" -- xUnit.DiagnosticMessages=true || status=$?
echo
echo "Fault scenarios (${TESSERA_FAULT_FULL:+full}${TESSERA_FAULT_FULL:-quick} form):"
cat "$TESSERA_FAULT_REPORT"
exit $status
