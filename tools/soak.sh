#!/usr/bin/env bash
# Longer runs of the delivery engine's fault tests than CI affords (docs/benchmarks.md, "Soak").
#   tools/soak.sh [KILLS] [DING_MESSAGES] [ROUNDS]
# KILLS (default 200): kill -9 of notifyd under load, then every acked message must arrive.
# DING_MESSAGES (default 1200): alerts to one 20-per-minute DingTalk robot on a clock running
#   20 times fast (1200 = one hour of robot time in about three minutes); zero penalties.
# ROUNDS (default 1): how many times to repeat both.
# Builds first (tools/dev.sh build); the build dir is NOTIFY_BUILD_DIR or ./build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NOTIFY_BUILD_DIR:-$here/build}"
kills="${1:-200}"
ding="${2:-1200}"
rounds="${3:-1}"

"$here/tools/dev.sh" build >/dev/null
for round in $(seq 1 "$rounds"); do
  echo "==> round $round/$rounds: $kills kills"
  NOTIFY_SOAK_KILLS="$kills" "$build/bin/tests/crash_recovery_test" \
    --gtest_filter='CrashRecovery.RepeatedKill9*'
  echo "==> round $round/$rounds: $ding DingTalk alerts at 20/min"
  NOTIFY_SOAK_DING_MESSAGES="$ding" "$build/bin/tests/delivery_faults_test" \
    --gtest_filter='DeliveryFaults.ADingTalkRobotsWindow*'
done
echo "==> soak passed"
