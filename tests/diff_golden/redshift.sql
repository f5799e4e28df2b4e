-- create schema
CREATE SCHEMA IF NOT EXISTS "backflow";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_cur";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_dif";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_chg";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_nxt";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_old";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_dfo";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_exk";

-- drop transient
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_rtk";

-- probe model
SELECT * FROM "analytics"."customers" m WHERE 1 = 0;

-- create current
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_cur" AS SELECT m."region" AS "k_e9b84a0d", m."customer_id" AS "k_d70d165c", STRTOL(LEFT(MD5(CASE WHEN m."email" IS NULL THEN 'N' ELSE 'Vvarchar:' || m."email"::varchar END), 15), 16) AS "h_d07cb3a1", STRTOL(LEFT(MD5(CASE WHEN m."lifetime value" IS NULL THEN 'N' ELSE 'Vnumeric:' || m."lifetime value"::varchar END), 15), 16) AS "h_342805b4", COUNT(*) OVER (PARTITION BY m."region", m."customer_id") AS "bf_n", CASE WHEN m."region" IS NULL OR m."customer_id" IS NULL THEN 1 ELSE 0 END AS "bf_null" FROM "analytics"."customers" m;

-- create committed if missing
CREATE TABLE IF NOT EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_com" (LIKE "backflow"."bf_contacts_____hubspot_95bde77f_cur");

-- probe committed
SELECT * FROM "backflow"."bf_contacts_____hubspot_95bde77f_com" WHERE 1 = 0;

-- create retry keys
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_rtk" AS SELECT m."region" AS "k_e9b84a0d", m."customer_id" AS "k_d70d165c" FROM "analytics"."customers" m WHERE 1 = 0;

-- insert retry key
INSERT INTO "backflow"."bf_contacts_____hubspot_95bde77f_rtk" ("k_e9b84a0d", "k_d70d165c") VALUES (?, ?);

-- create diff
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_dif" AS SELECT COALESCE(n."k_e9b84a0d", c."k_e9b84a0d") AS "k_e9b84a0d", COALESCE(n."k_d70d165c", c."k_d70d165c") AS "k_d70d165c", CASE WHEN c."k_e9b84a0d" IS NULL THEN 'a' WHEN n."k_e9b84a0d" IS NULL THEN 'r' ELSE 'c' END AS "bf_op", CASE WHEN n."k_e9b84a0d" IS NULL THEN '' ELSE CASE WHEN c."k_e9b84a0d" IS NULL THEN '11' WHEN ((c."h_d07cb3a1" IS NULL OR c."h_d07cb3a1" <> n."h_d07cb3a1") OR (c."h_342805b4" IS NULL OR c."h_342805b4" <> n."h_342805b4")) THEN CASE WHEN (c."h_d07cb3a1" IS NULL OR c."h_d07cb3a1" <> n."h_d07cb3a1") THEN '1' ELSE '0' END || CASE WHEN (c."h_342805b4" IS NULL OR c."h_342805b4" <> n."h_342805b4") THEN '1' ELSE '0' END ELSE '11' END END AS "bf_mask" FROM (SELECT * FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" WHERE "bf_null" = 0) n FULL OUTER JOIN "backflow"."bf_contacts_____hubspot_95bde77f_com" c ON n."k_e9b84a0d" = c."k_e9b84a0d" AND n."k_d70d165c" = c."k_d70d165c" WHERE n."k_e9b84a0d" IS NULL OR (n."bf_n" = 1 AND (c."k_e9b84a0d" IS NULL OR ((c."h_d07cb3a1" IS NULL OR c."h_d07cb3a1" <> n."h_d07cb3a1") OR (c."h_342805b4" IS NULL OR c."h_342805b4" <> n."h_342805b4")) OR EXISTS (SELECT 1 FROM "backflow"."bf_contacts_____hubspot_95bde77f_rtk" r WHERE r."k_e9b84a0d" = n."k_e9b84a0d" AND r."k_d70d165c" = n."k_d70d165c")));

-- create diff, new mapped column
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_dif" AS SELECT COALESCE(n."k_e9b84a0d", c."k_e9b84a0d") AS "k_e9b84a0d", COALESCE(n."k_d70d165c", c."k_d70d165c") AS "k_d70d165c", CASE WHEN c."k_e9b84a0d" IS NULL THEN 'a' WHEN n."k_e9b84a0d" IS NULL THEN 'r' ELSE 'c' END AS "bf_op", CASE WHEN n."k_e9b84a0d" IS NULL THEN '' ELSE CASE WHEN c."k_e9b84a0d" IS NULL THEN '11' WHEN ((c."h_d07cb3a1" IS NULL OR c."h_d07cb3a1" <> n."h_d07cb3a1") OR 1 = 1) THEN CASE WHEN (c."h_d07cb3a1" IS NULL OR c."h_d07cb3a1" <> n."h_d07cb3a1") THEN '1' ELSE '0' END || CASE WHEN 1 = 1 THEN '1' ELSE '0' END ELSE '11' END END AS "bf_mask" FROM (SELECT * FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" WHERE "bf_null" = 0) n FULL OUTER JOIN "backflow"."bf_contacts_____hubspot_95bde77f_com" c ON n."k_e9b84a0d" = c."k_e9b84a0d" AND n."k_d70d165c" = c."k_d70d165c" WHERE n."k_e9b84a0d" IS NULL OR (n."bf_n" = 1 AND (c."k_e9b84a0d" IS NULL OR ((c."h_d07cb3a1" IS NULL OR c."h_d07cb3a1" <> n."h_d07cb3a1") OR 1 = 1)));

-- create diff, full resync
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_dif" AS SELECT n."k_e9b84a0d", n."k_d70d165c", 'a' AS "bf_op", '11' AS "bf_mask" FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" n WHERE n."bf_null" = 0 AND n."bf_n" = 1;

-- create changes
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_chg" AS SELECT d."k_e9b84a0d", d."k_d70d165c", d."bf_op", d."bf_mask", m."email" AS "v_d07cb3a1", m."lifetime value" AS "v_342805b4" FROM "backflow"."bf_contacts_____hubspot_95bde77f_dif" d JOIN "analytics"."customers" m ON m."region" = d."k_e9b84a0d" AND m."customer_id" = d."k_d70d165c" WHERE d."bf_op" <> 'r';

-- count current
SELECT COUNT(*), COALESCE(SUM("bf_null"), 0), COALESCE(SUM(CASE WHEN "bf_null" = 0 AND "bf_n" > 1 THEN 1 ELSE 0 END), 0) FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur";

-- count diff
SELECT "bf_op", COUNT(*) FROM "backflow"."bf_contacts_____hubspot_95bde77f_chg" GROUP BY "bf_op" UNION ALL SELECT "bf_op", COUNT(*) FROM "backflow"."bf_contacts_____hubspot_95bde77f_dif" WHERE "bf_op" = 'r' GROUP BY "bf_op";

-- null key sample
SELECT m."region", m."customer_id", m."email", m."lifetime value" FROM "analytics"."customers" m WHERE m."region" IS NULL OR m."customer_id" IS NULL LIMIT 100;

-- duplicate sample
SELECT d."bf_n", m."region", m."customer_id", m."email", m."lifetime value" FROM "analytics"."customers" m JOIN (SELECT DISTINCT n."k_e9b84a0d", n."k_d70d165c", n."bf_n" FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" n WHERE n."bf_null" = 0 AND n."bf_n" > 1) d ON m."region" = d."k_e9b84a0d" AND m."customer_id" = d."k_d70d165c" LIMIT 100;

-- changed rows
SELECT d."bf_op", d."bf_mask", d."k_e9b84a0d", d."k_d70d165c", d."v_d07cb3a1", d."v_342805b4" FROM "backflow"."bf_contacts_____hubspot_95bde77f_chg" d ORDER BY d."k_e9b84a0d", d."k_d70d165c";

-- removed keys
SELECT d."k_e9b84a0d", d."k_d70d165c" FROM "backflow"."bf_contacts_____hubspot_95bde77f_dif" d WHERE d."bf_op" = 'r' ORDER BY d."k_e9b84a0d", d."k_d70d165c";

-- drop commit leftovers
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_nxt";

-- drop commit leftovers
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_old";

-- drop commit leftovers
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_dfo";

-- drop commit leftovers
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_exk";

-- create excluded keys
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_exk" AS SELECT n."k_e9b84a0d", n."k_d70d165c" FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" n WHERE 1 = 0;

-- create next
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_nxt" AS SELECT n."k_e9b84a0d", n."k_d70d165c", n."h_d07cb3a1", n."h_342805b4" FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" n WHERE n."bf_null" = 0 AND n."bf_n" = 1 AND NOT EXISTS (SELECT 1 FROM "backflow"."bf_contacts_____hubspot_95bde77f_exk" e WHERE e."k_e9b84a0d" = n."k_e9b84a0d" AND e."k_d70d165c" = n."k_d70d165c") UNION ALL SELECT c."k_e9b84a0d", c."k_d70d165c", c."h_d07cb3a1", c."h_342805b4" FROM "backflow"."bf_contacts_____hubspot_95bde77f_com" c WHERE EXISTS (SELECT 1 FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" n WHERE n."k_e9b84a0d" = c."k_e9b84a0d" AND n."k_d70d165c" = c."k_d70d165c" AND n."bf_null" = 0 AND n."bf_n" > 1) OR EXISTS (SELECT 1 FROM "backflow"."bf_contacts_____hubspot_95bde77f_exk" e WHERE e."k_e9b84a0d" = c."k_e9b84a0d" AND e."k_d70d165c" = c."k_d70d165c");

-- create next, full resync
CREATE TABLE "backflow"."bf_contacts_____hubspot_95bde77f_nxt" AS SELECT n."k_e9b84a0d", n."k_d70d165c", n."h_d07cb3a1", n."h_342805b4" FROM "backflow"."bf_contacts_____hubspot_95bde77f_cur" n WHERE n."bf_null" = 0 AND n."bf_n" = 1 AND NOT EXISTS (SELECT 1 FROM "backflow"."bf_contacts_____hubspot_95bde77f_exk" e WHERE e."k_e9b84a0d" = n."k_e9b84a0d" AND e."k_d70d165c" = n."k_d70d165c") UNION ALL SELECT c."k_e9b84a0d", c."k_d70d165c", c."h_d07cb3a1", CAST(NULL AS bigint) AS "h_342805b4" FROM "backflow"."bf_contacts_____hubspot_95bde77f_com" c WHERE EXISTS (SELECT 1 FROM "backflow"."bf_contacts_____hubspot_95bde77f_exk" e WHERE e."k_e9b84a0d" = c."k_e9b84a0d" AND e."k_d70d165c" = c."k_d70d165c");

-- swap (one transaction)
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_com";
ALTER TABLE "backflow"."bf_contacts_____hubspot_95bde77f_nxt" RENAME TO "bf_contacts_____hubspot_95bde77f_com";
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_dif";
-- swap (one transaction)
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_com";
ALTER TABLE "backflow"."bf_contacts_____hubspot_95bde77f_cur" RENAME TO "bf_contacts_____hubspot_95bde77f_com";
DROP TABLE IF EXISTS "backflow"."bf_contacts_____hubspot_95bde77f_dif";
