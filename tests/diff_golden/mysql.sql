-- create schema
CREATE SCHEMA IF NOT EXISTS `backflow`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_cur`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_dif`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_chg`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_nxt`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_old`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_dfo`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_exk`;

-- drop transient
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_rtk`;

-- probe model
SELECT * FROM `analytics`.`customers` m WHERE 1 = 0;

-- probe server version
;

-- probe unique key index
SELECT 1 FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = 'analytics' AND s.TABLE_NAME = 'customers' AND s.NON_UNIQUE = 0 GROUP BY s.INDEX_NAME HAVING SUM(s.COLUMN_NAME NOT IN ('region', 'customer_id')) = 0 AND SUM(s.SUB_PART IS NOT NULL) = 0 LIMIT 1;

-- create committed if missing
CREATE TABLE IF NOT EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_com` (INDEX `bf_key` (`k_e9b84a0d`(255), `k_d70d165c`)) AS SELECT m.`region` AS `k_e9b84a0d`, m.`customer_id` AS `k_d70d165c`, CAST(NULL AS char(20)) AS `bf_h`, CAST(NULL AS char(20)) AS `h_d07cb3a1`, CAST(NULL AS char(20)) AS `h_342805b4` FROM `analytics`.`customers` m WHERE 1 = 0;

-- probe committed
SELECT * FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com` WHERE 1 = 0;

-- create retry keys
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_rtk` AS SELECT m.`region` AS `k_e9b84a0d`, m.`customer_id` AS `k_d70d165c` FROM `analytics`.`customers` m WHERE 1 = 0;

-- insert retry key
INSERT INTO `backflow`.`bf_contacts_____hubspot_95bde77f_rtk` (`k_e9b84a0d`, `k_d70d165c`) VALUES (?, ?);

-- diff session setting
;

-- create diff, with retry keys
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_dif` (INDEX `bf_key` (`k_e9b84a0d`(255), `k_d70d165c`)) AS SELECT n.`k_e9b84a0d`, n.`k_d70d165c`, CASE WHEN (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) THEN 'n' WHEN n.`bf_n` > 1 THEN 'd' WHEN c.`k_e9b84a0d` IS NULL THEN 'a' WHEN (((c.`bf_h` IS NULL OR c.`bf_h` <> n.`bf_h`) AND ((c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) OR (c.`h_342805b4` IS NULL OR c.`h_342805b4` <> CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10)))) OR EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_rtk` r WHERE r.`k_e9b84a0d` = n.`k_e9b84a0d` AND r.`k_d70d165c` = n.`k_d70d165c`)) THEN 'c' ELSE 'u' END AS `bf_op`, CASE WHEN (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) OR n.`bf_n` > 1 THEN '' WHEN c.`k_e9b84a0d` IS NULL THEN '11' WHEN ((c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) OR (c.`h_342805b4` IS NULL OR c.`h_342805b4` <> CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10))) THEN CONCAT(CASE WHEN (c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) THEN '1' ELSE '0' END, CASE WHEN (c.`h_342805b4` IS NULL OR c.`h_342805b4` <> CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10)) THEN '1' ELSE '0' END) ELSE '11' END AS `bf_mask`, n.`bf_n`, CASE WHEN c.`k_e9b84a0d` IS NULL THEN 0 ELSE 1 END AS `bf_com`, n.`bf_h`, CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10) AS `h_d07cb3a1`, CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10) AS `h_342805b4`, n.`v_d07cb3a1`, n.`v_342805b4` FROM (SELECT m.`region` AS `k_e9b84a0d`, m.`customer_id` AS `k_d70d165c`, m.`email` AS `v_d07cb3a1`, m.`lifetime value` AS `v_342805b4`, CONV(LEFT(MD5(CONCAT('2952688136790062594', COALESCE(CONCAT('V', LENGTH(m.`email`), ':', m.`email`), 'N'), COALESCE(CONCAT('V', LENGTH(m.`lifetime value`), ':', m.`lifetime value`), 'N'))), 16), 16, 10) AS `bf_h`, COUNT(*) OVER (PARTITION BY m.`region`, m.`customer_id`) AS `bf_n`, 1 AS `bf_row` FROM `analytics`.`customers` m) n LEFT JOIN `backflow`.`bf_contacts_____hubspot_95bde77f_com` c ON n.`k_e9b84a0d` = c.`k_e9b84a0d` AND n.`k_d70d165c` = c.`k_d70d165c` WHERE (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) OR n.`bf_n` > 1 OR c.`k_e9b84a0d` IS NULL OR (((c.`bf_h` IS NULL OR c.`bf_h` <> n.`bf_h`) AND ((c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) OR (c.`h_342805b4` IS NULL OR c.`h_342805b4` <> CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10)))) OR EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_rtk` r WHERE r.`k_e9b84a0d` = n.`k_e9b84a0d` AND r.`k_d70d165c` = n.`k_d70d165c`)) UNION ALL SELECT c.`k_e9b84a0d`, c.`k_d70d165c`, 'r', '', NULL, 1, NULL, NULL, NULL, NULL, NULL FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com` c LEFT JOIN `analytics`.`customers` m ON m.`region` = c.`k_e9b84a0d` AND m.`customer_id` = c.`k_d70d165c` WHERE m.`region` IS NULL;

-- create diff, new mapped column (full build)
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_dif` (INDEX `bf_key` (`k_e9b84a0d`(255), `k_d70d165c`)) AS SELECT n.`k_e9b84a0d`, n.`k_d70d165c`, CASE WHEN (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) THEN 'n' WHEN n.`bf_n` > 1 THEN 'd' WHEN c.`k_e9b84a0d` IS NULL THEN 'a' WHEN ((c.`bf_h` IS NULL OR c.`bf_h` <> n.`bf_h`) AND ((c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) OR 1 = 1)) THEN 'c' ELSE 'u' END AS `bf_op`, CASE WHEN (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) OR n.`bf_n` > 1 THEN '' WHEN c.`k_e9b84a0d` IS NULL THEN '11' WHEN ((c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) OR 1 = 1) THEN CONCAT(CASE WHEN (c.`h_d07cb3a1` IS NULL OR c.`h_d07cb3a1` <> CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10)) THEN '1' ELSE '0' END, CASE WHEN 1 = 1 THEN '1' ELSE '0' END) ELSE '11' END AS `bf_mask`, n.`bf_n`, CASE WHEN c.`k_e9b84a0d` IS NULL THEN 0 ELSE 1 END AS `bf_com`, n.`bf_h`, CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10) AS `h_d07cb3a1`, CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10) AS `h_342805b4`, n.`v_d07cb3a1`, n.`v_342805b4` FROM (SELECT m.`region` AS `k_e9b84a0d`, m.`customer_id` AS `k_d70d165c`, m.`email` AS `v_d07cb3a1`, m.`lifetime value` AS `v_342805b4`, CONV(LEFT(MD5(CONCAT('2952688136790062594', COALESCE(CONCAT('V', LENGTH(m.`email`), ':', m.`email`), 'N'), COALESCE(CONCAT('V', LENGTH(m.`lifetime value`), ':', m.`lifetime value`), 'N'))), 16), 16, 10) AS `bf_h`, COUNT(*) OVER (PARTITION BY m.`region`, m.`customer_id`) AS `bf_n`, 1 AS `bf_row` FROM `analytics`.`customers` m) n LEFT JOIN `backflow`.`bf_contacts_____hubspot_95bde77f_com` c ON n.`k_e9b84a0d` = c.`k_e9b84a0d` AND n.`k_d70d165c` = c.`k_d70d165c` UNION ALL SELECT c.`k_e9b84a0d`, c.`k_d70d165c`, 'r', '', NULL, 1, NULL, NULL, NULL, NULL, NULL FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com` c LEFT JOIN `analytics`.`customers` m ON m.`region` = c.`k_e9b84a0d` AND m.`customer_id` = c.`k_d70d165c` WHERE m.`region` IS NULL;

-- create diff, full resync
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_dif` (INDEX `bf_key` (`k_e9b84a0d`(255), `k_d70d165c`)) AS SELECT n.`k_e9b84a0d`, n.`k_d70d165c`, CASE WHEN (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) THEN 'n' WHEN n.`bf_n` > 1 THEN 'd' ELSE 'a' END AS `bf_op`, CASE WHEN (n.`k_e9b84a0d` IS NULL OR n.`k_d70d165c` IS NULL) OR n.`bf_n` > 1 THEN '' ELSE '11' END AS `bf_mask`, n.`bf_n`, 0 AS `bf_com`, n.`bf_h`, CONV(LEFT(MD5(CASE WHEN n.`v_d07cb3a1` IS NULL THEN 'N' ELSE CONCAT('Vvarchar:', n.`v_d07cb3a1`) END), 16), 16, 10) AS `h_d07cb3a1`, CONV(LEFT(MD5(CASE WHEN n.`v_342805b4` IS NULL THEN 'N' ELSE CONCAT('Vnumeric:', n.`v_342805b4`) END), 16), 16, 10) AS `h_342805b4`, n.`v_d07cb3a1`, n.`v_342805b4` FROM (SELECT m.`region` AS `k_e9b84a0d`, m.`customer_id` AS `k_d70d165c`, m.`email` AS `v_d07cb3a1`, m.`lifetime value` AS `v_342805b4`, CONV(LEFT(MD5(CONCAT('2952688136790062594', COALESCE(CONCAT('V', LENGTH(m.`email`), ':', m.`email`), 'N'), COALESCE(CONCAT('V', LENGTH(m.`lifetime value`), ':', m.`lifetime value`), 'N'))), 16), 16, 10) AS `bf_h`, COUNT(*) OVER (PARTITION BY m.`region`, m.`customer_id`) AS `bf_n`, 1 AS `bf_row` FROM `analytics`.`customers` m) n;

-- count run
SELECT `bf_op`, COUNT(*) FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` GROUP BY `bf_op` UNION ALL SELECT 'D', COUNT(*) FROM (SELECT d.`k_e9b84a0d`, d.`k_d70d165c` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` = 'd' AND d.`bf_com` = 1 GROUP BY d.`k_e9b84a0d`, d.`k_d70d165c`) x UNION ALL SELECT 'K', COUNT(*) FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com`;

-- count diff
SELECT `bf_op`, COUNT(*) FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` GROUP BY `bf_op`;

-- null key sample
SELECT d.`k_e9b84a0d`, d.`k_d70d165c`, d.`v_d07cb3a1`, d.`v_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` = 'n' LIMIT 100;

-- duplicate sample
SELECT d.`bf_n`, d.`k_e9b84a0d`, d.`k_d70d165c`, d.`v_d07cb3a1`, d.`v_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` = 'd' LIMIT 100;

-- changed rows
SELECT d.`bf_op`, d.`bf_mask`, d.`k_e9b84a0d`, d.`k_d70d165c`, d.`v_d07cb3a1`, d.`v_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` IN ('a', 'c') ORDER BY d.`k_e9b84a0d`, d.`k_d70d165c`;

-- removed keys
SELECT d.`k_e9b84a0d`, d.`k_d70d165c` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` = 'r' ORDER BY d.`k_e9b84a0d`, d.`k_d70d165c`;

-- drop commit leftovers
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_nxt`;

-- drop commit leftovers
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_old`;

-- drop commit leftovers
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_dfo`;

-- drop commit leftovers
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_exk`;

-- create excluded keys
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_exk` AS SELECT d.`k_e9b84a0d`, d.`k_d70d165c` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE 1 = 0;

-- commit in place (one transaction)
DELETE c FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com` c JOIN `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d ON d.`k_e9b84a0d` = c.`k_e9b84a0d` AND d.`k_d70d165c` = c.`k_d70d165c` WHERE d.`bf_op` IN ('a', 'c', 'r') AND NOT EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_exk` e WHERE e.`k_e9b84a0d` = c.`k_e9b84a0d` AND e.`k_d70d165c` = c.`k_d70d165c`);
INSERT INTO `backflow`.`bf_contacts_____hubspot_95bde77f_com` (`k_e9b84a0d`, `k_d70d165c`, `bf_h`, `h_d07cb3a1`, `h_342805b4`) SELECT d.`k_e9b84a0d`, d.`k_d70d165c`, d.`bf_h`, d.`h_d07cb3a1`, d.`h_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` IN ('a', 'c') AND NOT EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_exk` e WHERE e.`k_e9b84a0d` = d.`k_e9b84a0d` AND e.`k_d70d165c` = d.`k_d70d165c`);
DROP TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_dif`;

-- create next
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_nxt` (INDEX `bf_key` (`k_e9b84a0d`(255), `k_d70d165c`)) AS SELECT d.`k_e9b84a0d`, d.`k_d70d165c`, d.`bf_h`, d.`h_d07cb3a1`, d.`h_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` IN ('a', 'c', 'u') AND NOT EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_exk` e WHERE e.`k_e9b84a0d` = d.`k_e9b84a0d` AND e.`k_d70d165c` = d.`k_d70d165c`) UNION ALL SELECT c.`k_e9b84a0d`, c.`k_d70d165c`, c.`bf_h`, c.`h_d07cb3a1`, c.`h_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com` c WHERE NOT EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`k_e9b84a0d` = c.`k_e9b84a0d` AND d.`k_d70d165c` = c.`k_d70d165c` AND d.`bf_op` IN ('c', 'r', 'u')) OR EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_exk` e WHERE e.`k_e9b84a0d` = c.`k_e9b84a0d` AND e.`k_d70d165c` = c.`k_d70d165c`);

-- create next, full resync
CREATE TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_nxt` (INDEX `bf_key` (`k_e9b84a0d`(255), `k_d70d165c`)) AS SELECT d.`k_e9b84a0d`, d.`k_d70d165c`, d.`bf_h`, d.`h_d07cb3a1`, d.`h_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_dif` d WHERE d.`bf_op` IN ('a', 'c', 'u') AND NOT EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_exk` e WHERE e.`k_e9b84a0d` = d.`k_e9b84a0d` AND e.`k_d70d165c` = d.`k_d70d165c`) UNION ALL SELECT c.`k_e9b84a0d`, c.`k_d70d165c`, c.`bf_h`, c.`h_d07cb3a1`, CAST(NULL AS char(20)) AS `h_342805b4` FROM `backflow`.`bf_contacts_____hubspot_95bde77f_com` c WHERE EXISTS (SELECT 1 FROM `backflow`.`bf_contacts_____hubspot_95bde77f_exk` e WHERE e.`k_e9b84a0d` = c.`k_e9b84a0d` AND e.`k_d70d165c` = c.`k_d70d165c`);

-- swap (statement by statement)
RENAME TABLE `backflow`.`bf_contacts_____hubspot_95bde77f_com` TO `backflow`.`bf_contacts_____hubspot_95bde77f_old`, `backflow`.`bf_contacts_____hubspot_95bde77f_nxt` TO `backflow`.`bf_contacts_____hubspot_95bde77f_com`, `backflow`.`bf_contacts_____hubspot_95bde77f_dif` TO `backflow`.`bf_contacts_____hubspot_95bde77f_dfo`;
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_old`;
DROP TABLE IF EXISTS `backflow`.`bf_contacts_____hubspot_95bde77f_dfo`;
