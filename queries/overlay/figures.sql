-- The uploads database's figures (jabodash.store.overlay), after views.sql and the derived views
-- of queries/schema/02_views.sql: every figure in one long table, and the macros the named
-- queries read them through. A derived figure is computed from the layered observations (a
-- refreshed BPS population included); where a saved refresh has a figure of a derived
-- indicator itself, that figure is used, as for any built-in one. A table, made once per
-- in-memory database (the bundle and the store file it was opened for do not change): as a view
-- it computed the derived figures again in every named query (~15 of a map's ~20 ms).
CREATE TABLE observation_all AS
SELECT region_code, indicator_id, year, value, dataset_id, note, FALSE AS derived, provenance, grade
FROM observation
UNION ALL
SELECT d.region_code, d.indicator_id, d.year, d.value, d.dataset_id, d.note, TRUE, 'builtin', d.grade
FROM derived_all d
WHERE NOT EXISTS (SELECT 1 FROM official_used o WHERE o.region_code = d.region_code
                  AND o.indicator_id = d.indicator_id AND o.year = d.year);

-- "Official figures only" (jabodash.core.grades): every named query reads the figures through
-- these macros with its parameter $official_only; true keeps the grades official and
-- official-cited, so built-in and uploaded figures are filtered by the same SQL.
CREATE MACRO shown_figures(official_only) AS TABLE
SELECT * FROM observation_all WHERE NOT official_only OR grade IN ('official', 'official-cited');
CREATE MACRO shown_observations(official_only) AS TABLE
SELECT * FROM observation WHERE NOT official_only OR grade IN ('official', 'official-cited');
CREATE MACRO shown_population_best(official_only) AS TABLE
SELECT * FROM population_best WHERE NOT official_only OR grade IN ('official', 'official-cited');
CREATE MACRO shown_flows(official_only) AS TABLE
SELECT f.*, d.grade FROM flow f JOIN dataset d ON d.id = f.dataset_id
WHERE NOT official_only OR d.grade IN ('official', 'official-cited');

-- Each indicator with the years and the widest coverage it has per level (indicators.sql and
-- kec_indicators.sql read one level each).
CREATE MACRO indicator_by_level(official_only) AS TABLE
SELECT i.*, l.level,
       coalesce(y.years, []) AS years,
       coalesce(y.max_regions, 0) AS max_regions,
       y.first_year, y.last_year
FROM indicator i
CROSS JOIN (VALUES ('kabkota'), ('kecamatan')) l(level)
LEFT JOIN (
    SELECT indicator_id, level, list(DISTINCT year ORDER BY year) AS years, max(n) AS max_regions,
           min(year) AS first_year, max(year) AS last_year
    FROM (SELECT o.indicator_id, p.level, o.year, count(*) AS n
          FROM shown_figures(official_only) o JOIN place p ON p.code = o.region_code GROUP BY ALL)
    GROUP BY indicator_id, level
) y ON y.indicator_id = i.id AND y.level = l.level;
