#!/usr/bin/env bash
# What Postgres spends to store one voucher row, and which part of the voucher table costs what (issue 13, goal 5).
# Inserts 100 batches of 5,000 rows, as the persister does (one INSERT ... SELECT * FROM unnest(text arrays cast as
# the sink casts them)), into variants of the voucher table: as migrated (four indexes, the campaign key, ON CONFLICT
# (id) DO NOTHING), then without one part each, then with the primary key alone and with no index; prints the
# wall time per row of each (one backend, so about its CPU; synchronous_commit off for the session, so no commit
# waits for the disk). Each variant starts from an empty table after a CHECKPOINT.
#
# usage: load-tests/bench/voucher-insert-cost.sh [ROUNDS]     (default 2; each round runs every variant once)
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres): any Postgres this user may create a database on.
# The database it makes (C collation, as the development stack's initdb --no-locale) is dropped at the end.
set -euo pipefail

rounds=${1:-2}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
db="fairrush_insert_cost_$$"
work=$(mktemp -d)
trap 'psql -qd postgres -c "drop database if exists $db" >/dev/null 2>&1; rm -rf "$work"' EXIT

psql -qd postgres -c "create database $db template template0 lc_collate 'C' lc_ctype 'C'"
psql -qd "$db" >/dev/null <<'SQL'
create table campaign (id bigint primary key);
insert into campaign values (7);
-- The rows as the persister binds them: text arrays, 5,000 a batch; members and their n-th voucher as the bench's grabs
-- make them (1,200 members), codes and ids random as VoucherCodes makes them.
create table batches (n int primary key, ids text[], campaigns bigint[], members text[], seqs int[], codes text[], grabbed text[], valid text[]);
insert into batches
select b, array_agg(gen_random_uuid()::text), array_agg(7::bigint), array_agg('member-' || lpad(((b * 5000 + i) % 1200)::text, 6, '0')),
       array_agg(((b * 5000 + i) / 1200 + 1)::int),
       array_agg('7-' || upper(substr(md5(random()::text), 1, 4)) || '-' || upper(substr(md5(random()::text), 1, 4)) || '-' || upper(substr(md5(random()::text), 1, 4))),
       array_agg((now() + (b * 5000 + i) * interval '1 microsecond')::text),
       array_agg((now() + interval '30 days')::text)
from generate_series(0, 99) b, generate_series(0, 4999) i group by b;
SQL

# variant NAME FOREIGN_KEY CODE_UNIQUE MEMBER_INDEX MEMBER_SEQ_UNIQUE PRIMARY_KEY ON_CONFLICT
variant() {
  local name=$1 fk=$2 code=$3 member=$4 seq=$5 pk=$6 conflict=$7
  psql -qd "$db" >/dev/null <<SQL
drop table if exists voucher;
create table voucher (
    id uuid not null $pk, campaign_id bigint not null $fk, member_id text not null, seq integer not null check (seq >= 1),
    code text not null $code, grabbed_at timestamptz not null, stored_at timestamptz not null default now(),
    redeemed_at timestamptz, valid_until timestamptz, voided_at timestamptz, void_reason text
    $seq);
$member
checkpoint;
SQL
  {
    echo "set synchronous_commit = off;"
    for n in $(seq 0 99); do
      echo "insert into voucher (id, campaign_id, member_id, seq, code, grabbed_at, valid_until) select * from unnest("\
"(select ids from batches where n = $n)::uuid[], (select campaigns from batches where n = $n), (select members from batches where n = $n), "\
"(select seqs from batches where n = $n), (select codes from batches where n = $n), (select grabbed from batches where n = $n)::timestamptz[], "\
"(select valid from batches where n = $n)::timestamptz[]) $conflict;"
    done
  } > "$work/insert.sql"
  local start end
  start=$(date +%s%N)
  psql -qd "$db" -f "$work/insert.sql" >/dev/null
  end=$(date +%s%N)
  printf '%-60s %6.1f us/row\n' "$name" "$(echo "($end - $start) / 1000 / 500000" | bc -l)"
}

fk="references campaign (id)"
member="create index voucher_member on voucher (member_id, grabbed_at desc);"
seq=", unique (campaign_id, member_id, seq)"
pk="primary key"
conflict="on conflict (id) do nothing"
for round in $(seq 1 "$rounds"); do
  echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  variant "as migrated (V1, V13, V14)"                   "$fk" unique "$member" "$seq" "$pk" "$conflict"
  variant "without the campaign key"                     ""    unique "$member" "$seq" "$pk" "$conflict"
  variant "without ON CONFLICT (id) DO NOTHING"          "$fk" unique "$member" "$seq" "$pk" ""
  variant "without the unique code"                      "$fk" ""     "$member" "$seq" "$pk" "$conflict"
  variant "without voucher_member (member_id, grabbed_at)" "$fk" unique ""      "$seq" "$pk" "$conflict"
  variant "without unique (campaign_id, member_id, seq)" "$fk" unique "$member" ""     "$pk" "$conflict"
  variant "primary key alone, ON CONFLICT"               ""    ""     ""        ""     "$pk" "$conflict"
  variant "no index, no key"                             ""    ""     ""        ""     ""    ""
done
