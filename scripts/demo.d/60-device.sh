# Device vetting: does a gift present more than it claims? (ascribe device vet, docs/device.md)
# Sourced by scripts/demo with $ASCRIBE (the binary) and $DB (the demo database).
# Exit codes of `device vet`: 0 PASS/WARN, 1 FAIL (and INCONCLUSIVE under strict), 2 bad input.
dev_ex="examples/devices"
dev_tmp="$(mktemp -d)"

step "Vet a summit 'flash drive' that is really a keyboard (real lsusb -v of a Holtek keyboard)"
dev_code=0
"$ASCRIBE" --db "$DB" device vet "$dev_ex/jc_holtek-keyboard_04d9-4545.lsusb-v.txt" --claim flash-drive || dev_code=$?
echo "(exit code $dev_code)"

step "Vet a 'charger' that enumerates (real USB-C HDMI card: Billboard + HID): the JSON verdict's findings"
dev_code=0
"$ASCRIBE" --db "$DB" device vet "$dev_ex/jc_framework-hdmi-card-billboard-hid_32ac-0002.lsusb-v.txt" \
    --claim charger --format json > "$dev_tmp/charger.json" || dev_code=$?
grep -E '^  "(verdict|risk_score)"|^      "id"' "$dev_tmp/charger.json" || true
echo "(exit code $dev_code)"

step "For contrast: a plain flash drive (synthetic descriptors) and a charger that presented nothing for 120 s"
"$ASCRIBE" --db "$DB" device vet "$dev_ex/synthetic-flash-drive.descriptors.hex" --claim flash-drive > "$dev_tmp/plain.txt" || true
head -n 2 "$dev_tmp/plain.txt"
"$ASCRIBE" --db "$DB" device vet "$dev_ex/charger-nothing-enumerated.json" --claim charger > "$dev_tmp/charger.txt" || true
head -n 2 "$dev_tmp/charger.txt"

step "Record the keyboard-as-flash-drive findings as evidence in incident vaccine-research-2020"
dev_code=0
"$ASCRIBE" --db "$DB" device vet "$dev_ex/jc_holtek-keyboard_04d9-4545.lsusb-v.txt" \
    --claim flash-drive --incident vaccine-research-2020 --format json > /dev/null || dev_code=$?
if [ "$dev_code" -gt 1 ]; then
    echo "storing the device findings failed (exit $dev_code)" >&2
    exit "$dev_code"
fi
echo "The incident's evidence now includes the device findings (rated neutral: they show what, not who):"
"$ASCRIBE" --db "$DB" assess vaccine-research-2020 | grep -E '^  item|device-finding' || true
rm -rf "$dev_tmp"
