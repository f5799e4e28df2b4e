-- The embedded sample warehouse: a small B2B SaaS company's modelled
-- customers and accounts, generated deterministically (same rows every time).
-- Built by deploy/sample/make_warehouse.sh into a SQLite file read over ODBC.
PRAGMA journal_mode = WAL;

CREATE TABLE accounts (
  account_id   INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  domain       TEXT NOT NULL,
  industry     TEXT,
  employees    INTEGER,
  arr          NUMERIC(12, 2),
  created_at   TIMESTAMP NOT NULL
);

CREATE TABLE customers (
  customer_id    INTEGER PRIMARY KEY,
  email          TEXT NOT NULL,
  first_name     TEXT,
  last_name      TEXT,
  plan           TEXT NOT NULL,
  lifetime_value NUMERIC(12, 2),
  is_active      BOOLEAN NOT NULL,
  signed_up_at   TIMESTAMP NOT NULL,
  account_id     INTEGER REFERENCES accounts(account_id)
);

CREATE TABLE first_names (i INTEGER PRIMARY KEY, v TEXT);
INSERT INTO first_names (v) VALUES ('Ada'),('Grace'),('Alan'),('Edsger'),('Barbara'),('Donald'),('Frances'),('Ken'),
  ('Margaret'),('Dennis'),('Radia'),('Linus'),('Sophie'),('Tim'),('Hedy'),('John'),('Katherine'),('Niklaus'),('Lynn'),('Guido'),
  ('Zoë'),('José'),('Łukasz'),('Søren'),('Aiko'),('Chidi'),('Mei'),('Ravi'),('Fatima'),('Ingrid');
CREATE TABLE last_names (i INTEGER PRIMARY KEY, v TEXT);
INSERT INTO last_names (v) VALUES ('Lovelace'),('Hopper'),('Turing'),('Dijkstra'),('Liskov'),('Knuth'),('Allen'),('Thompson'),
  ('Hamilton'),('Ritchie'),('Perlman'),('Torvalds'),('Wilson'),('Berners-Lee'),('Lamarr'),('Backus'),('Johnson'),('Wirth'),
  ('Conway'),('van Rossum'),('Müller'),('García'),('Nowak'),('Kierkegaard'),('Tanaka'),('Okafor'),('Chen'),('Patel'),('Haddad'),('Berg');
CREATE TABLE industries (i INTEGER PRIMARY KEY, v TEXT);
INSERT INTO industries (v) VALUES ('Software'),('Retail'),('Healthcare'),('Finance'),('Education'),('Logistics'),('Media'),(NULL);
CREATE TABLE plans (i INTEGER PRIMARY KEY, v TEXT);
INSERT INTO plans (v) VALUES ('free'),('starter'),('pro'),('enterprise');

WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 400)
INSERT INTO accounts
SELECT k,
       'Account ' || k || ' ' || (SELECT v FROM last_names WHERE last_names.i = 1 + (k * 7) % 30),
       'acct' || k || '.example.com',
       (SELECT v FROM industries WHERE industries.i = 1 + (k * 5) % 8),
       5 + (k * 37) % 5000,
       printf('%.2f', ((k * 7919) % 2000000) / 100.0),
       printf('2023-%02d-%02d %02d:%02d:00', 1 + k % 12, 1 + k % 28, k % 24, (k * 13) % 60)
FROM n;

WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 5000)
INSERT INTO customers
SELECT k,
       lower(replace((SELECT v FROM first_names WHERE first_names.i = 1 + (k * 3) % 30), ' ', '')) || '.' || k || '@example.com',
       (SELECT v FROM first_names WHERE first_names.i = 1 + (k * 3) % 30),
       CASE WHEN k % 97 = 0 THEN NULL ELSE (SELECT v FROM last_names WHERE last_names.i = 1 + (k * 11) % 30) END,
       (SELECT v FROM plans WHERE plans.i = 1 + (k * k) % 4),
       CASE WHEN k % 13 = 0 THEN NULL ELSE printf('%.2f', ((k * 104729) % 500000) / 100.0) END,
       CASE WHEN k % 9 = 0 THEN 0 ELSE 1 END,
       printf('2024-%02d-%02d %02d:%02d:%02d', 1 + k % 12, 1 + k % 28, k % 24, (k * 7) % 60, (k * 31) % 60),
       1 + (k * 17) % 400
FROM n;

DROP TABLE first_names; DROP TABLE last_names; DROP TABLE industries; DROP TABLE plans;

-- A modelled view, as a data team would publish it: one row per active-or-not
-- customer with their account's name, ready to sync.
CREATE VIEW customer_profiles AS
SELECT c.customer_id, c.email, c.first_name, c.last_name, c.plan, c.lifetime_value, c.is_active,
       c.signed_up_at, a.name AS account_name, a.domain AS account_domain
FROM customers c LEFT JOIN accounts a ON a.account_id = c.account_id;
