# Device vetting: does a gift present more than it claims? (ascribe device vet)
# Run by scripts/demo with $ASCRIBE (the binary) and $DB (the demo database).
DEV_EX="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/examples/devices"

echo "== A 'flash drive' from the summit that is really a keyboard (real lsusb -v of a Holtek keyboard)"
code=0
"$ASCRIBE" --db "$DB" device vet "$DEV_EX/jc_holtek-keyboard_04d9-4545.lsusb-v.txt" --claim flash-drive || code=$?
echo "(exit code $code: 0 PASS/WARN, 1 FAIL/INCONCLUSIVE, 2 bad input)"
echo

echo "== A 'charger' that enumerates (real USB-C HDMI card: Billboard + HID), JSON verdict and findings"
code=0
"$ASCRIBE" --db "$DB" device vet "$DEV_EX/jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt" \
  --claim charger --format json > "${TMPDIR:-/tmp}/ascribe-demo-charger.json" || code=$?
grep -E '"(verdict|risk_score|id)"' "${TMPDIR:-/tmp}/ascribe-demo-charger.json" | sed 's/^ */  /'
echo "(exit code $code)"
echo

echo "== A plain flash drive (synthetic descriptors) and a charger that presented nothing for 120 s"
"$ASCRIBE" --db "$DB" device vet "$DEV_EX/synthetic-flash-drive.descriptors.hex" --claim flash-drive | head -2 || true
"$ASCRIBE" --db "$DB" device vet "$DEV_EX/charger-nothing-enumerated.json" --claim charger | head -2 || true
echo

echo "== The keyboard-as-flash-drive findings recorded as evidence in incident vaccine-research-2020"
if "$ASCRIBE" --db "$DB" device vet "$DEV_EX/jc_holtek-keyboard_04d9-4545.lsusb-v.txt" \
    --claim flash-drive --incident vaccine-research-2020 --format json > /dev/null; then
  :
else
  c=$?
  [ "$c" -eq 1 ] || echo "storing device findings failed (exit $c)"
fi
