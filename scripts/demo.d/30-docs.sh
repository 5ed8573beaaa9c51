# Reading the record: statements in raw documents become claims (ascribe docs ingest).
# Run by scripts/demo with $ASCRIBE (the binary) and $DB (the demo database).
DOCS_EX="examples/docs"   # scripts/demo runs from the repository root

step "Read two public statements on the 2020 vaccine-research case (examples/docs/, our own paraphrase)"
"$ASCRIBE" --db "$DB" docs ingest --no-store "$DOCS_EX"

step "The same, as JSON lines for scripts (first claim)"
"$ASCRIBE" --db "$DB" docs ingest --no-store --format json "$DOCS_EX/2020-07-16-ncsc-advisory.txt" | head -1

step "File them: they join incident vaccine-research-2020 (same accused, same operation, same weeks)"
"$ASCRIBE" --db "$DB" docs ingest --format json "$DOCS_EX" >/dev/null
"$ASCRIBE" --db "$DB" claims --incident vaccine-research-2020 --speaker kremlin

step "An incident built only from the documents, and its assessment"
"$ASCRIBE" --db "$DB" docs ingest --incident vaccine-statements-only --format json "$DOCS_EX" >/dev/null
"$ASCRIBE" --db "$DB" assess vaccine-statements-only | sed -n '1,16p'

step "The knowledge base behind the names: who is Cozy Bear?"
"$ASCRIBE" --db "$DB" kb show "Cozy Bear" | head -4
