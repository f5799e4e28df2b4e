#!/usr/bin/env node
// Parses every statement of the warehouse diff engine's golden SQL
// (tests/diff_golden/<dialect>.sql) with node-sql-parser's grammar for that
// dialect: an independent check of the SQL of the warehouses the tests cannot
// run (Snowflake, BigQuery, Redshift, Databricks), and a cheap one of the
// others.
//
//   node check_golden.js <golden dir> [--known <allow-list.json>]
//
// Prints one line per statement and exits 1 when
//   - a statement fails to parse and is not on the allow-list
//     (known_unparsed.json beside this file, unless --known names another),
//   - an allow-listed statement now parses (the list must not go stale), or
//     its fallback check (below) fails,
//   - the allow-list names a label the golden file does not have,
//   - a golden file is missing, has no statement, or does not split cleanly,
//   - a grammar accepts plainly broken SQL (then it would check nothing).
//
// Golden file format (tests/diff_warehouse_sql_test.cpp writes it): a
// `-- <label>` line, then one or more statements each ending with `;`. An
// empty statement (`;` alone) is one the dialect does not need; it is listed
// and not parsed. A statement's id is its label, or `<label> #<k>` (k from 1)
// when several non-empty statements share the label.
//
// Allow-list: {"dialects": {"<dialect>": {"<id or label>": {"reason": "...",
// "check": "query" | "bound values"}}}}. A label covers each of its
// statements. The whole statement must still fail; "check" then parses the
// part the grammar does know, which must succeed:
//   "query"        the query of `CREATE [OR REPLACE] TABLE [IF NOT EXISTS]
//                  <name> AS <query>`, for a grammar without CREATE TABLE AS;
//   "bound values" the statement with each `?` parameter marker (bound by the
//                  ODBC driver, not parsed by the server's SQL grammar) read
//                  as the literal NULL.
'use strict';

const fs = require('fs');
const path = require('path');
const { Parser } = require('node-sql-parser');

// Each check: its name (also its key in the allow-list), the golden file it
// reads, node-sql-parser's `database` for it, and whether a backslash escapes
// a quote inside a string literal there.
const DIALECTS = [
  { name: 'postgres', file: 'postgres', database: 'PostgresQL', backslash: false },
  { name: 'sqlite', file: 'sqlite', database: 'Sqlite', backslash: false },
  { name: 'mysql', file: 'mysql', database: 'MySQL', backslash: true },
  // The mysql dialect's SQL runs on MariaDB too.
  { name: 'mariadb', file: 'mysql', database: 'MariaDB', backslash: true },
  { name: 'snowflake', file: 'snowflake', database: 'Snowflake', backslash: true },
  { name: 'bigquery', file: 'bigquery', database: 'BigQuery', backslash: true },
  { name: 'redshift', file: 'redshift', database: 'Redshift', backslash: false },
  // node-sql-parser has no Spark SQL / Databricks grammar; Spark SQL grew out
  // of HiveQL (backquoted names, same DDL shape), so Hive is the closest.
  { name: 'databricks', file: 'databricks', database: 'Hive', backslash: true },
];
const CHECKS = ['query', 'bound values'];

function usage(message) {
  process.stderr.write(`${message}\nusage: node check_golden.js <golden dir> [--known <allow-list.json>]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  let goldenDir = null;
  let known = path.join(__dirname, 'known_unparsed.json');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--known') {
      if (i + 1 >= argv.length) usage('--known needs a file');
      known = argv[++i];
    } else if (goldenDir === null) {
      goldenDir = argv[i];
    } else {
      usage(`unexpected argument: ${argv[i]}`);
    }
  }
  if (goldenDir === null) usage('missing the golden directory');
  return { goldenDir, known };
}

// Returns {entries: Map check name -> Map key -> {reason, check}, errors: [],
// fatal: a message when the file cannot be used at all}.
function loadAllowList(file) {
  const errors = [];
  const entries = new Map();
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return { entries, errors, fatal: `allow-list ${file}: ${e.message}` };
  }
  const dialects = json && json.dialects;
  if (!dialects || typeof dialects !== 'object' || Array.isArray(dialects)) {
    return { entries, errors, fatal: `allow-list ${file}: needs an object "dialects"` };
  }
  const names = new Set(DIALECTS.map((d) => d.name));
  for (const [dialect, list] of Object.entries(dialects)) {
    if (!names.has(dialect)) {
      errors.push(`allow-list: unknown dialect "${dialect}" (known: ${[...names].join(', ')})`);
      continue;
    }
    const map = new Map();
    for (const [key, entry] of Object.entries(list || {})) {
      if (!entry || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
        errors.push(`allow-list: ${dialect} "${key}" needs a "reason"`);
        continue;
      }
      if (entry.check !== undefined && !CHECKS.includes(entry.check)) {
        errors.push(`allow-list: ${dialect} "${key}": "check" must be one of ${CHECKS.join(', ')}`);
        continue;
      }
      map.set(key, { reason: entry.reason, check: entry.check });
    }
    entries.set(dialect, map);
  }
  return { entries, errors };
}

// Splits a golden file into [{label, sql, line}]: `;` ends a statement unless
// it is inside a quoted string or name or a comment; a `-- ` line between
// statements sets the label of those that follow.
function splitGolden(text, backslash) {
  const statements = [];
  const errors = [];
  let label = null;
  let buf = '';
  let line = 1;
  let startLine = 1;
  let i = 0;
  const atBoundary = () => buf.trim() === '';
  while (i < text.length) {
    const c = text[i];
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (lineStart && atBoundary() && text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      label = text.slice(i + 2, stop).trim();
      buf = '';
      i = stop;
      continue;
    }
    if (atBoundary() && !/\s/.test(c)) startLine = line;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) {
          errors.push(`line ${line}: unterminated ${c} quote`);
          return { statements, errors };
        }
        if (backslash && c === "'" && text[j] === '\\') { j += 2; continue; }
        if (text[j] === c) {
          if (text[j + 1] === c) { j += 2; continue; }
          break;
        }
        j++;
      }
      const quoted = text.slice(i, j + 1);
      line += (quoted.match(/\n/g) || []).length;
      buf += quoted;
      i = j + 1;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      buf += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        errors.push(`line ${line}: unterminated /* comment`);
        return { statements, errors };
      }
      const comment = text.slice(i, end + 2);
      line += (comment.match(/\n/g) || []).length;
      buf += comment;
      i = end + 2;
      continue;
    }
    if (c === ';') {
      if (label === null) errors.push(`line ${startLine}: statement before any "-- <label>" line`);
      statements.push({ label: label === null ? '(no label)' : label, sql: buf.trim(), line: startLine });
      buf = '';
      i++;
      continue;
    }
    if (c === '\n') line++;
    buf += c;
    i++;
  }
  if (buf.trim() !== '') errors.push(`line ${startLine}: text after the last ';' (a statement without its ';')`);
  return { statements, errors };
}

function assignIds(statements) {
  const total = new Map();
  for (const s of statements) if (s.sql !== '') total.set(s.label, (total.get(s.label) || 0) + 1);
  const seen = new Map();
  for (const s of statements) {
    if (s.sql === '') { s.id = s.label; continue; }
    const k = (seen.get(s.label) || 0) + 1;
    seen.set(s.label, k);
    s.id = total.get(s.label) > 1 ? `${s.label} #${k}` : s.label;
  }
}

function oneLine(text, max) {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

// Parses `sql` with the dialect's grammar: null when it parses, else a short
// message (the parser's, with where it stopped).
function parseError(parser, database, sql) {
  try {
    parser.astify(sql, { database });
    return null;
  } catch (e) {
    let message = e.message;
    const found = /but (.*) found\.$/.exec(message);
    if (message.startsWith('Expected') && found && message.length > 160) {
      message = `${message.slice(0, 100)}… but ${found[1]} found.`;
    }
    // A SyntaxError is the grammar rejecting the text, an Error one of its
    // actions doing so; anything else (TypeError, ...) is a bug of the parser.
    if (e.name !== 'SyntaxError' && e.name !== 'Error') message = `the parser threw ${e.name}: ${message}`;
    message = oneLine(message, 300);
    if (e.location && e.location.start) {
      const at = e.location.start.offset;
      message += ` (at offset ${at}: ${oneLine(sql.slice(Math.max(0, at - 30), at), 40)}<HERE>${oneLine(sql.slice(at, at + 30), 40)})`;
    }
    return message;
  }
}

const IDENT = '(?:"(?:[^"]|"")*"|`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_$]*)';
const CTAS = new RegExp(
  `^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:(?:TEMPORARY|TEMP|UNLOGGED|TRANSIENT)\\s+)?TABLE\\s+` +
    `(?:IF\\s+NOT\\s+EXISTS\\s+)?${IDENT}(?:\\s*\\.\\s*${IDENT})*\\s+AS\\s+(?=SELECT\\b|WITH\\b|\\()`,
  'i');

// The part of an allow-listed statement that the grammar knows, or an error.
function fallbackSql(check, sql) {
  if (check === 'query') {
    const m = CTAS.exec(sql);
    if (!m) return { error: 'check "query": not a CREATE TABLE … AS <query> statement' };
    return { sql: sql.slice(m[0].length), what: 'its query parses' };
  }
  // "bound values": replace each ? outside quoted strings and names.
  let out = '';
  let markers = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
    } else if (c === '?') {
      out += 'NULL';
      markers++;
    } else {
      out += c;
    }
  }
  if (markers === 0) return { error: 'check "bound values": the statement has no ? marker' };
  return { sql: out, what: `it parses with its ${markers} ? marker(s) read as NULL` };
}

function checkDialect(parser, dialect, goldenDir, allowList, report) {
  const file = path.join(goldenDir, `${dialect.file}.sql`);
  const tag = dialect.name.padEnd(10);
  const counts = { parsed: 0, allowed: 0, failed: 0, empty: 0 };
  const fail = (what, message) => {
    counts.failed++;
    report.failures.push(`${dialect.name} ${what}: ${message}`);
    console.log(`${tag} ${what}: FAILED: ${message}`);
  };

  // A grammar that accepts this would make every "ok" below meaningless.
  if (parseError(parser, dialect.database, 'SELECT (1 FROM t') === null) {
    fail('(self-check)', `the ${dialect.database} grammar accepts "SELECT (1 FROM t"`);
  }

  if (!fs.existsSync(file)) {
    fail('(file)', `${file} is missing`);
    return counts;
  }
  const { statements, errors } = splitGolden(fs.readFileSync(file, 'utf8'), dialect.backslash);
  for (const e of errors) fail('(file)', `${file}: ${e}`);
  assignIds(statements);
  if (!statements.some((s) => s.sql !== '')) fail('(file)', `${file} has no statement`);

  const known = allowList.get(dialect.name) || new Map();
  const used = new Set();
  for (const s of statements) {
    if (s.sql === '') {
      counts.empty++;
      console.log(`${tag} ${s.id}: empty (not needed in this dialect), not parsed`);
      continue;
    }
    const key = known.has(s.id) ? s.id : known.has(s.label) ? s.label : null;
    const entry = key === null ? null : known.get(key);
    if (key !== null) used.add(key);
    const error = parseError(parser, dialect.database, s.sql);
    if (entry === null) {
      if (error === null) {
        counts.parsed++;
        console.log(`${tag} ${s.id}: ok`);
      } else {
        fail(s.id, `${error} [line ${s.line}]`);
      }
      continue;
    }
    if (error === null) {
      fail(s.id, `parses now but is allow-listed ("${key}" in the allow-list): remove it from the list`);
      continue;
    }
    let note = '';
    if (entry.check !== undefined) {
      const part = fallbackSql(entry.check, s.sql);
      if (part.error) { fail(s.id, `${part.error} [line ${s.line}]`); continue; }
      const partError = parseError(parser, dialect.database, part.sql);
      if (partError !== null) {
        fail(s.id, `allow-listed (${entry.reason}), but its check "${entry.check}" fails: ${partError} [line ${s.line}]`);
        continue;
      }
      note = `; ${part.what}`;
    }
    counts.allowed++;
    console.log(`${tag} ${s.id}: allow-listed (${entry.reason})${note}`);
  }
  // An unused entry is news only when the file split cleanly.
  const splitCleanly = errors.length === 0 && statements.some((s) => s.sql !== '');
  for (const key of splitCleanly ? known.keys() : []) {
    if (!used.has(key)) fail('(allow-list)', `"${key}" names no statement of ${file}: remove it from the list`);
  }
  return counts;
}

function main() {
  const { goldenDir, known } = parseArgs(process.argv.slice(2));
  const { entries, errors, fatal } = loadAllowList(known);
  if (fatal) {
    console.log(`FAILED: ${fatal}`);
    process.exit(1);
  }
  const report = { failures: [] };
  for (const e of errors) {
    report.failures.push(e);
    console.log(`FAILED: ${e}`);
  }
  const parser = new Parser();
  const summary = [];
  for (const dialect of DIALECTS) {
    const c = checkDialect(parser, dialect, goldenDir, entries, report);
    summary.push(`${dialect.name} (${dialect.file}.sql, ${dialect.database} grammar): ${c.parsed} parsed, ${c.allowed} allow-listed, ` +
      `${c.failed} failed, ${c.empty} empty`);
  }
  const version = require('node-sql-parser/package.json').version;
  console.log(`\nnode-sql-parser ${version}, golden files in ${goldenDir}:`);
  for (const line of summary) console.log(`  ${line}`);
  if (report.failures.length > 0) {
    console.log(`\n${report.failures.length} problem(s):`);
    for (const f of report.failures) console.log(`  ${f}`);
    process.exit(1);
  }
  console.log('\nevery statement parses or is allow-listed with a reason');
}

main();
